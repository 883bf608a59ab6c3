"""Page-number pagination for every API list: `?page=2&page_size=100` (at most 200 a page)."""

from rest_framework.pagination import PageNumberPagination


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # A page past the end is a 404 with the JSON error; DRF's wording is replaced by the handler's.
