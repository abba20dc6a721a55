//! TLS with rustls (the `ring` provider): the certificate chain and key read from PEM
//! files, and read again when they change — a handshake uses the pair loaded last.

use crate::config::TlsFiles;
use arc_swap::ArcSwap;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;

/// The certificate served, swapped when its files change.
#[derive(Debug)]
pub struct Certificate {
    current: ArcSwap<CertifiedKey>,
    files: TlsFiles,
}

impl ResolvesServerCert for Certificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.load_full())
    }
}

/// Reads a certificate chain and its key.
fn read(files: &TlsFiles) -> Result<CertifiedKey, String> {
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| format!("cannot read `{}`: {e}", files.cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("`{}`: {e}", files.cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "`{}` holds no PEM certificate",
            files.cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("`{}`: no usable PEM private key: {e}", files.key.display()))?;
    let signing = rustls::crypto::ring::sign::any_supported_type(&key)
        .map_err(|e| format!("`{}`: {e}", files.key.display()))?;
    let certified = CertifiedKey::new(certs, signing);
    certified
        .keys_match()
        .map_err(|e| format!("the key does not match the certificate: {e}"))?;
    Ok(certified)
}

impl Certificate {
    /// Reads the files.
    pub fn load(files: &TlsFiles) -> Result<Certificate, String> {
        Ok(Certificate {
            current: ArcSwap::from_pointee(read(files)?),
            files: files.clone(),
        })
    }

    /// Reads the files again; on an error, keeps the pair served.
    pub fn reload(&self) -> Result<(), String> {
        self.current.store(Arc::new(read(&self.files)?));
        Ok(())
    }

    /// The files, to watch.
    pub fn files(&self) -> &TlsFiles {
        &self.files
    }
}

/// The server's TLS settings: TLS 1.2 and 1.3, HTTP/1.1, the certificate of `cert`.
pub fn acceptor(cert: Arc<Certificate>) -> Result<tokio_rustls::TlsAcceptor, String> {
    #[expect(
        deprecated,
        reason = "ring, not aws-lc-rs, keeps the build free of cmake and C toolchains; it has no post-quantum key exchange, which TLS 1.3 clients then do not get"
    )]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_no_client_auth()
        .with_cert_resolver(cert);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
