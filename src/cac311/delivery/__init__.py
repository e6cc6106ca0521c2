"""E-mail delivery of the monthly reports: SMTP settings, messages, the deliveries log, runs."""
