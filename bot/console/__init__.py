"""The staff console: a server-rendered web app (Starlette, Jinja2, htmx) over the bot's database and content."""
