"""The strategy's pages. Each room lists its own routes; this file only puts them together."""

from .documents_urls import urlpatterns as documents
from .edit_urls import urlpatterns as edit
from .review_urls import urlpatterns as review

app_name = "strategy"

urlpatterns = edit + review + documents
