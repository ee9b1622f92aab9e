"""YAML loading that remembers line numbers, so import errors can name the line (在第 N 行)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ImportFileError(Exception):
    """A file that cannot be imported; the message is Chinese and names the line and the value."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.reason = message
        super().__init__(f"第 {line} 行：{message}" if line else message)


@dataclass(frozen=True, slots=True)
class Node:
    """A YAML value with the line it starts on (1-based)."""

    value: Any
    line: int

    def get(self, key: str) -> Node | None:
        if not isinstance(self.value, dict):
            return None
        found = self.value.get(key)
        return found if isinstance(found, Node) else None

    def plain(self) -> Any:
        """The value without line information."""
        return _strip(self)


def _strip(node: Any) -> Any:
    if isinstance(node, Node):
        return _strip(node.value)
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _build(node: yaml.Node, loader: yaml.SafeLoader) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_text = str(key)
            if key_text in mapping:
                raise ImportFileError(f"键“{key_text}”重复", key_node.start_mark.line + 1)
            mapping[key_text] = _build(value_node, loader)
        return Node(mapping, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([_build(child, loader) for child in node.value], line)
    return Node(loader.construct_object(node, deep=True), line)


def load_yaml_text(text: str) -> Node:
    """Parse YAML text into `Node`s; a syntax error becomes an `ImportFileError` with its line."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise ImportFileError("文件为空")
        return _build(root, loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ImportFileError(f"YAML 格式错误：{error.problem or error}", line) from None
    except yaml.YAMLError as error:
        raise ImportFileError(f"YAML 格式错误：{error}") from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> Node:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ImportFileError(f"无法读取文件 {path}：{error.strerror}") from None
    except UnicodeDecodeError:
        raise ImportFileError(f"文件 {path} 不是 UTF-8 编码") from None
    return load_yaml_text(text)
