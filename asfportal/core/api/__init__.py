"""The open API's shared machinery (issue 19): errors, pagination, rate limits, conditional requests, schema.

The apps' own `api.py` modules hold their endpoints; the router is in asfportal/api_urls.py (the core knows no
app). Everything here is Django REST framework and drf-spectacular configured, not reimplemented.
"""
