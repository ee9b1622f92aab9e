"""Shared fixtures: the shipped catalog and a tiny hand-made one."""

from __future__ import annotations

import pytest

from gridbot.intents import Catalog, CatalogItem, Sector
from gridbot.storage.catalog_file import load_default_catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_default_catalog()


@pytest.fixture(scope="session")
def tiny_catalog() -> Catalog:
    """Three sectors with words chosen for the tests: classification rules tested apart from the data."""

    def item(code: str, name: str, sector: str, *keywords: str) -> CatalogItem:
        return CatalogItem(code=code, name=name, sector=sector, keywords=keywords)

    return Catalog(
        sectors=(
            Sector(
                name="环境保护",
                code="HB",
                synonyms=("环保",),
                items=(
                    item("HB01", "秸秆/垃圾露天焚烧", "环境保护", "烧秸秆", "焚烧", "冒烟", "烧垃圾"),
                    item("HB02", "污水排放", "环境保护", "排污", "黑水", "污水", "刺鼻"),
                ),
            ),
            Sector(
                name="城市管理",
                code="CG",
                synonyms=("城管",),
                items=(item("CG01", "占道经营", "城市管理", "摆摊", "流动摊贩", "占道", "垃圾"),),
            ),
            Sector(
                name="消防",
                code="HZ",
                synonyms=("火灾",),
                items=(item("HZ01", "火灾", "消防", "起火", "着火", "冒烟", "飞线充电"),),
            ),
        )
    )
