"""Telegram bot for patients of the Amsterdam UMC HPB team with liver metastases of colorectal cancer."""

__version__ = "0.1.0"
