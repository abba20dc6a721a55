FROM python:3.12.4-slim
COPY app.py /app/app.py
CMD ["python", "/app/app.py"]
