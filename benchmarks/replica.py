"""Bare baselines: copy what a real page drew, then draw the same thing with plain Streamlit from in-memory data.

`capture(at)` walks the element tree of an AppTest run of the real app and writes a JSON spec of every element
and block, in order: its kind, text, widget options and defaults, table and chart data (as Arrow files beside the
spec), and download sizes. `replay(spec_path)` renders that spec with the same Streamlit calls (st.markdown,
st.metric, st.form, st.tabs, st.number_input...), charts of the same spec and data size through
st.vega_lite_chart, all from data loaded once into memory. So a baseline has the same number and kinds of elements
as the page, and none of the app's work: no database, no scoring, no chart building.

An element kind this module does not know stops the capture with an error, so a new kind on a page is noticed.
Widgets keep the app's keys, so the load client drives the app and its baseline alike.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import streamlit as st

_WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(.*)$")


# -- capture ---------------------------------------------------------------------------------------------------


@contextmanager
def media_sizes() -> Iterator[dict[str, int]]:
    """Sizes of what download buttons (and images) hand to the media manager, by URL, while the block runs."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    sizes: dict[str, int] = {}
    original: Callable = MediaFileManager.add

    def spy(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):  # noqa: ANN001
        url = original(
            self,
            path_or_data,
            mimetype,
            coordinates,
            file_name=file_name,
            is_for_static_download=is_for_static_download,
        )
        if isinstance(path_or_data, (bytes, str)):
            sizes[url] = len(path_or_data.encode() if isinstance(path_or_data, str) else path_or_data)
        return url

    MediaFileManager.add = spy  # type: ignore[method-assign]
    try:
        yield sizes
    finally:
        MediaFileManager.add = original  # type: ignore[method-assign]


class _Capture:
    def __init__(self, folder: Path, name: str, sizes: dict[str, int]):
        self.folder, self.name, self.sizes = folder, name, sizes
        self.files = 0
        self.counts: dict[str, int] = {}

    def _arrow(self, data: bytes) -> str:
        self.files += 1
        file = f"{self.name}-{self.files}.arrow"
        (self.folder / file).write_bytes(data)
        return file

    def children(self, node: Any) -> list[dict[str, Any]]:
        return [item for key in sorted(node.children) if (item := self.node(node.children[key])) is not None]

    def node(self, node: Any) -> dict[str, Any] | None:  # noqa: C901, PLR0911, PLR0912 (one branch per kind)
        kind, p = node.type, getattr(node, "proto", None)
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if kind == "flex_container":
            children = [node.children[k] for k in sorted(node.children)]
            if children and all(c.type == "column" for c in children):
                return {
                    "kind": "columns",
                    "weights": [c.proto.weight for c in children],
                    "children": [self.children(c) for c in children],
                }
            return {"kind": "container", "border": bool(p.flex_container.border), "children": self.children(node)}
        if kind == "tab_container":
            tabs = [node.children[k] for k in sorted(node.children)]
            return {
                "kind": "tabs",
                "labels": [t.proto.label for t in tabs],
                "children": [self.children(t) for t in tabs],
            }
        if kind == "expander":
            return {"kind": "expander", "label": p.label, "expanded": bool(p.expanded), "children": self.children(node)}
        if kind == "form":
            return {
                "kind": "form",
                "form_id": p.form.form_id,
                "border": bool(p.form.border),
                "children": self.children(node),
            }
        if kind in ("title", "header", "subheader"):
            return {"kind": kind, "body": p.body}
        if kind in ("markdown", "caption", "text"):
            return {"kind": kind, "body": p.body}
        if kind == "divider":
            return {"kind": "divider"}
        if kind in ("info", "warning", "error", "success"):
            return {"kind": kind, "body": p.body, "icon": p.icon or None}
        if kind == "metric":
            return {
                "kind": "metric",
                "label": p.label,
                "value": p.body,
                "delta": p.delta or None,
                "delta_color": "off"
                if p.color == p.DESCRIPTOR.fields_by_name["color"].enum_type.values_by_name["GRAY"].number
                else "normal",
            }
        if kind == "page_link":
            return {"kind": "page_link", "page": p.page, "label": p.label, "icon": p.icon or None}
        if kind == "empty":
            return {"kind": "empty"}
        if kind == "code":
            return {"kind": "code", "body": p.code_text, "language": p.language or None}
        if kind == "vega_lite_chart":
            datasets = {d.name: self._arrow(d.data.data) for d in p.datasets}
            return {
                "kind": "chart",
                "spec": p.spec,
                "datasets": datasets,
                "data": self._arrow(p.data.data) if p.data.data else None,
            }
        if kind == "dataframe":
            data = p.arrow_data.data or p.lazy_data.initial_chunk.data
            return {"kind": "dataframe", "data": self._arrow(data)}
        if kind == "bidi_component":  # a custom component (the app's focus mover): the same kind of element
            return {"kind": "bidi_component"}
        if kind == "table":  # a static table (a chart's "as a table" view)
            return {"kind": "table", "data": self._arrow(p.arrow_data.data)}
        if kind == "download_button":
            return {
                "kind": kind,
                **self._widget(p),
                "size": self.sizes.get(p.url, 0),
                "file_name": "export" + Path(p.url).suffix,
            }
        if kind in _WIDGETS:
            return {"kind": kind, **self._widget(p), **_WIDGETS[kind](p)}
        if kind in ("event", "root"):
            return None
        raise NotImplementedError(f"replica: no baseline for element kind {kind!r} on {self.name}")

    @staticmethod
    def _widget(p: Any) -> dict[str, Any]:
        match = _WIDGET_ID.match(p.id)
        key = match.group(1) if match and match.group(1) != "None" else None
        return {"key": key, "label": p.label, "form_id": getattr(p, "form_id", "")}


def _enum(p: Any, field: str) -> str:
    return p.DESCRIPTOR.fields_by_name[field].enum_type.values_by_number[getattr(p, field)].name


_WIDGETS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "button": lambda p: {"submit": bool(p.is_form_submitter), "type": p.type or "secondary", "icon": p.icon or None},
    "checkbox": lambda p: {"value": bool(p.default), "toggle": _enum(p, "type") == "TOGGLE"},
    "toggle": lambda p: {"value": bool(p.default), "toggle": True},  # AppTest names a toggle apart
    "radio": lambda p: {
        "options": list(p.options),
        "index": p.default if p.HasField("default") else None,
        "horizontal": bool(p.horizontal),
    },
    "selectbox": lambda p: {"options": list(p.options), "index": p.default if p.HasField("default") else None},
    "number_input": lambda p: {
        "value": p.default if p.HasField("default") else None,
        "integer": _enum(p, "data_type") == "INT",
        "step": p.step,
        "format": p.format or None,
    },
    "date_input": lambda p: {"value": p.default[0] if p.default else None, "format": p.format or "YYYY/MM/DD"},
    "text_input": lambda p: {"value": p.default if p.HasField("default") else None},
    "text_area": lambda p: {"value": p.default if p.HasField("default") else None},
    "button_group": lambda p: {
        "options": [o.content for o in p.options],
        "default": list(p.default),
        "style": _enum(p, "style"),
        "multi": _enum(p, "click_mode") == "MULTI_SELECT",
    },
    "file_uploader": lambda p: {"types": [t.lstrip(".") for t in p.type], "multiple": bool(p.multiple_files)},
}


def capture(at: Any, folder: Path, name: str, sizes: dict[str, int] | None = None) -> tuple[Path, dict[str, int]]:
    """Write the spec of what `at` (an AppTest after a run) drew; returns its path and element counts by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    walker = _Capture(folder, name, sizes or {})
    tree = at._tree  # the parsed ForwardMsgs of the last run: blocks and elements in order
    main, sidebar = tree.children[0], tree.children[1]
    spec = {"name": name, "main": walker.children(main), "sidebar": walker.children(sidebar)}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(spec, indent=1))
    counts = {k: v for k, v in walker.counts.items() if k not in ("event", "root", "main", "sidebar")}
    return path, counts


# -- replay ----------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _bidi_component() -> Any:
    """A custom component that does nothing, drawn where the app draws one of its own."""
    return st.components.v2.component("baseline_component", js="export default function () { return () => {}; }")


@st.cache_resource(show_spinner=False)
def load(spec_path: str) -> dict[str, Any]:
    """The spec and its tables, decoded once and kept in memory for every rerun."""
    spec = json.loads(Path(spec_path).read_text())
    folder = Path(spec_path).parent
    frames: dict[str, Any] = {}

    def decode(node: dict[str, Any]) -> None:
        for file in [*node.get("datasets", {}).values(), node.get("data")]:
            if isinstance(file, str) and file.endswith(".arrow") and file not in frames:
                with pa.ipc.open_stream((folder / file).read_bytes()) as reader:
                    frames[file] = reader.read_all().to_pandas()
        for child in node.get("children", []):
            for item in child if isinstance(child, list) else [child]:
                decode(item)

    for item in spec["main"] + spec["sidebar"]:
        decode(item)
    spec["frames"] = frames
    return spec


def replay(spec_path: str | Path, *, page_config: bool = True) -> dict[str, Any]:
    """Draw a captured page. Returns the widget values by key (buttons: True on the run they were clicked)."""
    spec = load(str(spec_path))
    if page_config:
        st.set_page_config(page_title="Baseline", layout="centered")
    values: dict[str, Any] = {}
    counter = [0]
    _draw(spec["main"], spec, values, counter)
    with st.sidebar:
        _draw(spec["sidebar"], spec, values, counter)
    return values


def _draw(items: list[dict[str, Any]], spec: dict[str, Any], values: dict[str, Any], counter: list[int]) -> None:
    for item in items:
        _draw_one(item, spec, values, counter)


def _draw_one(
    item: dict[str, Any],
    spec: dict[str, Any],
    values: dict[str, Any],  # noqa: C901, PLR0912
    counter: list[int],
) -> None:
    kind = item["kind"]
    frames = spec["frames"]
    if kind == "columns":
        for column, children in zip(st.columns(item["weights"]), item["children"], strict=True):
            with column:
                _draw(children, spec, values, counter)
    elif kind == "container":
        with st.container(border=item["border"]):
            _draw(item["children"], spec, values, counter)
    elif kind == "tabs":
        for tab, children in zip(st.tabs(item["labels"]), item["children"], strict=True):
            with tab:
                _draw(children, spec, values, counter)
    elif kind == "expander":
        with st.expander(item["label"], expanded=item["expanded"]):
            _draw(item["children"], spec, values, counter)
    elif kind == "form":
        with st.form(item["form_id"], border=item["border"]):
            _draw(item["children"], spec, values, counter)
    elif kind in ("title", "header", "subheader", "markdown", "caption", "text"):
        getattr(st, kind)(item["body"])
    elif kind == "divider":
        st.divider()
    elif kind in ("info", "warning", "error", "success"):
        getattr(st, kind)(item["body"], icon=item["icon"])
    elif kind == "metric":
        st.metric(item["label"], item["value"], delta=item["delta"], delta_color=item["delta_color"])
    elif kind == "page_link":
        st.page_link(f"https://calf-check.invalid/{item['page']}", label=item["label"], icon=item["icon"])
    elif kind == "empty":
        st.empty()
    elif kind == "code":
        st.code(item["body"], language=item["language"])
    elif kind == "chart":
        chart = json.loads(item["spec"])  # a fresh dict each run: Streamlit moves the datasets out of it
        chart["datasets"] = {name: frames[file] for name, file in item["datasets"].items()}
        if item["data"]:
            chart["data"] = {"values": frames[item["data"]]}
        st.vega_lite_chart(chart, width="stretch")
    elif kind == "dataframe":
        st.dataframe(frames[item["data"]], hide_index=True)
    elif kind == "table":
        st.table(frames[item["data"]])
    elif kind == "bidi_component":
        counter[0] += 1
        _bidi_component()(data={"n": counter[0]}, key=f"baseline_component_{counter[0]}")
    else:
        _widget(item, values, counter)


def _widget(item: dict[str, Any], values: dict[str, Any], counter: list[int]) -> None:  # noqa: C901, PLR0912
    kind, label = item["kind"], item["label"]
    counter[0] += 1
    key = item["key"] or f"baseline_widget_{counter[0]}"
    if kind == "button":
        if item["submit"]:
            value = st.form_submit_button(label, type=item["type"], icon=item["icon"], key=key)
        else:
            value = st.button(label, type=item["type"], icon=item["icon"], key=key)
    elif kind == "download_button":
        value = st.download_button(label, b"x" * item["size"], file_name=item["file_name"], key=key, on_click="ignore")
    elif kind in ("checkbox", "toggle"):
        value = (st.toggle if item["toggle"] else st.checkbox)(label, value=item["value"], key=key)
    elif kind == "radio":
        value = st.radio(label, item["options"], index=item["index"], horizontal=item["horizontal"], key=key)
    elif kind == "selectbox":
        value = st.selectbox(label, item["options"], index=item["index"], key=key)
    elif kind == "number_input":
        default = item["value"]
        if item["integer"]:
            value = st.number_input(
                label,
                value=None if default is None else int(default),
                step=int(item["step"] or 1),
                format=item["format"],
                key=key,
            )
        else:
            value = st.number_input(
                label, value=default, step=float(item["step"] or 0.1), format=item["format"], key=key
            )
    elif kind == "date_input":
        default = dt.date.fromisoformat(item["value"]) if item["value"] else None
        value = st.date_input(label, value=default, format=item["format"], key=key)
    elif kind == "text_input":
        value = st.text_input(label, value=item["value"], key=key)
    elif kind == "text_area":
        value = st.text_area(label, value=item["value"], key=key)
    elif kind == "button_group":
        draw = st.pills if item["style"] == "PILLS" else st.segmented_control
        default = [item["options"][i] for i in item["default"]]
        value = draw(
            label,
            item["options"],
            selection_mode="multi" if item["multi"] else "single",
            default=default if item["multi"] else (default[0] if default else None),
            key=key,
        )
    elif kind == "file_uploader":
        value = st.file_uploader(label, type=item["types"] or None, accept_multiple_files=item["multiple"], key=key)
    else:
        raise NotImplementedError(f"replica: cannot replay {kind!r}")
    values[key] = value
