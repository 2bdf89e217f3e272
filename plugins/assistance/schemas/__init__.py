"""Every marshmallow schema of the assistance plugin: ``api`` (the API's bodies, queries
and responses, which make its OpenAPI document) and ``forms`` (the same schemas as the
pages' forms read them, with amounts typed in yuan)."""
