"""An OTLP/HTTP trace receiver inside the test process: the spans the subgraphs and the
router export (protobuf or JSON, gzip or not), by service and trace."""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


@dataclass
class Span:
    service: str
    name: str
    trace_id: str


@dataclass
class Collector:
    """An OTLP/HTTP trace receiver (protobuf and JSON) on a free port."""

    spans: list[Span] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = _body(self)
                if "json" in (self.headers.get("Content-Type") or ""):
                    spans = _json_spans(json.loads(body))
                else:
                    spans = _proto_spans(ExportTraceServiceRequest.FromString(body))
                with collector.lock:
                    collector.spans.extend(spans)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                del args

        return Receive

    def of_trace(self, trace_id: str) -> list[Span]:
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]


def _body(request: BaseHTTPRequestHandler) -> bytes:
    """The request body, chunked (Node's exporter) or with a Content-Length."""
    if "chunked" not in (request.headers.get("Transfer-Encoding") or ""):
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
    else:
        chunks = []
        while size := int(request.rfile.readline().strip() or b"0", 16):
            chunks.append(request.rfile.read(size))
            request.rfile.readline()
        request.rfile.readline()
        body = b"".join(chunks)
    if request.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body


def _service(attributes: Any) -> str:
    for attribute in attributes:
        if attribute.key == "service.name":
            return str(attribute.value.string_value)
    return "?"


def _proto_spans(request: ExportTraceServiceRequest) -> list[Span]:
    return [
        Span(_service(rs.resource.attributes), span.name, span.trace_id.hex())
        for rs in request.resource_spans
        for ss in rs.scope_spans
        for span in ss.spans
    ]


def _json_spans(request: dict[str, Any]) -> list[Span]:
    spans = []
    for rs in request.get("resourceSpans", []):
        service = next(
            (
                a["value"].get("stringValue", "?")
                for a in rs.get("resource", {}).get("attributes", [])
                if a["key"] == "service.name"
            ),
            "?",
        )
        for ss in rs.get("scopeSpans", []):
            spans.extend(Span(service, s["name"], s["traceId"].lower()) for s in ss["spans"])
    return spans
