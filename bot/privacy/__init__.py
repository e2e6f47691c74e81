"""The patient's rights under the AVG (GDPR): access to and erasure of what the bot stores."""
