"""Social lead generation's own admin and demo data. Its job services are `leads.jobs`."""
