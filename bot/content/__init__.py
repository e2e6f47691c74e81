"""The patient folder as data: chapters, contacts and hours, loaded and validated from `content/`."""
