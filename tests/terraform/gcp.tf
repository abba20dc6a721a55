provider "google" {
  project = var.project
  region  = "europe-west1"
}

resource "google_compute_network" "vpc" {
  name                    = "shop"
  auto_create_subnetworks = false
}

resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh-anywhere"
  network = google_compute_network.vpc.name

  allow {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "iap" {
  name    = "allow-iap"
  network = google_compute_network.vpc.name

  allow {
    protocol = "tcp"
    ports    = ["22", "3389"]
  }

  source_ranges = ["35.235.240.0/20"]
}

resource "google_compute_firewall" "everything" {
  name          = "allow-all"
  network       = google_compute_network.vpc.name
  source_ranges = ["0.0.0.0/0"]

  allow {
    protocol = "all"
  }
}

resource "google_storage_bucket" "public" {
  name     = "shop-public-assets"
  location = "EU"
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = google_storage_bucket.public.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_sql_database_instance" "main" {
  name             = "shop"
  database_version = "POSTGRES_15"
  settings {
    tier = "db-custom-2-7680"
    ip_configuration {
      ipv4_enabled = true
      authorized_networks {
        name  = "everyone"
        value = "0.0.0.0/0"
      }
    }
  }
}

resource "google_kms_key_ring" "ring" {
  name     = "shop"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "data" {
  name     = "data"
  key_ring = google_kms_key_ring.ring.id
}

resource "google_kms_crypto_key" "rotated" {
  name            = "rotated"
  key_ring        = google_kms_key_ring.ring.id
  rotation_period = "7776000s"
}
