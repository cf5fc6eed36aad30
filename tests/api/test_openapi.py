"""The OpenAPI document describes every answer: each route declares the shape it returns."""

from __future__ import annotations

from precinct.app import create_app
from testkit import test_settings

#: answers that are not built from a response model, and why
RAW_ANSWERS = {("GET", "/api/v1/map/roads"): "pre-built (and gzip-compressed) GeoJSON bytes",
               ("GET", "/api/v1/map/labels"): "pre-built (and gzip-compressed) GeoJSON bytes",
               ("GET", "/api/v1/city/basemap"): "the GeoJSON file city init wrote, as it is"}


def _untyped(schema: dict) -> bool:
    if schema.get("type") == "array":
        return _untyped(schema.get("items", {}))
    return not schema or (schema.get("type") == "object" and "properties" not in schema)


def _document() -> dict:
    return create_app(test_settings("sqlite://")).openapi()


def test_every_answer_declares_its_shape():
    untyped = []
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            if (method.upper(), path) in RAW_ANSWERS:
                continue
            for code, response in operation["responses"].items():
                for content_type, content in (response.get("content") or {}).items():
                    if code.startswith("2") and _untyped(content.get("schema", {})):
                        untyped.append(f"{method.upper()} {path} {code} {content_type}")
    assert untyped == []


def test_map_layers_are_described_as_geojson():
    paths = _document()["paths"]
    for path, model in (("/api/v1/analysis/hotspots/forecast", "ForecastLayer"),
                        ("/api/v1/places/premises", "PremisesLayer")):
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert content == {"application/geo+json": {"schema": {"$ref": f"#/components/schemas/{model}"}}}
