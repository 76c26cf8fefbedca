"""The same crawl as `brandguard scan`, written as a Scrapy spider, to compare CPU cost.

It reads the targets `serve-demo --write-targets` writes, follows each marketplace's
search pages and listing links with the adapter's selectors, and reads every item field
(and the JSON-LD) an item page has. It stores no evidence, judges nothing and keeps no
chain: it is the lower bound of what a Python crawler spends on these pages, not an
equal. Run by `bench/scrapy/run.sh`.
"""

import json
import pathlib
import re
import sys
import tomllib

import scrapy
from scrapy.crawler import CrawlerProcess


def _field(response, spec):
    """One adapter field: a selector (or several), maybe with `attr` and `regex`."""
    if isinstance(spec, list):
        for one in spec:
            value = _field(response, one)
            if value:
                return value
        return None
    if isinstance(spec, str):
        spec = {"css": spec}
    if "attr" in spec:
        value = response.css(f"{spec['css']}::attr({spec['attr']})").get()
    else:
        value = " ".join(t.strip() for t in response.css(f"{spec['css']} ::text").getall()).strip()
    if value and "regex" in spec:
        found = re.search(spec["regex"], value)
        value = found.group(1) if found else None
    return value or None


class Marketplaces(scrapy.Spider):
    name = "brandguard-bench"

    def __init__(self, targets, **kwargs):
        super().__init__(**kwargs)
        self.markets = [
            tomllib.loads(path.read_text())
            for path in sorted(pathlib.Path(targets, "marketplaces").glob("*.toml"))
        ]

    async def start(self):
        for market in self.markets:
            for start in market["start_urls"]:
                yield scrapy.Request(
                    market["base_url"] + start, self.search, cb_kwargs={"market": market}
                )

    def search(self, response, market):
        for href in response.css(f"{market['search']['listing_link']}::attr(href)").getall():
            yield response.follow(href, self.item, cb_kwargs={"market": market})
        following = response.css(f"{market['search']['next_page']}::attr(href)").get()
        if following:
            yield response.follow(following, self.search, cb_kwargs={"market": market})

    def item(self, response, market):
        listing = {"url": response.url, "marketplace": market["name"]}
        for text in response.css('script[type="application/ld+json"]::text').getall():
            try:
                listing.setdefault("json_ld", []).append(json.loads(text))
            except ValueError:
                pass
        for name, spec in market["item"].get("fields", {}).items():
            listing[name] = _field(response, spec)
        yield listing


if __name__ == "__main__":
    targets, out = sys.argv[1], sys.argv[2]
    process = CrawlerProcess(
        settings={
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
            "DOWNLOAD_DELAY": 0,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "INFO",
            "FEEDS": {out: {"format": "jsonlines"}},
        }
    )
    process.crawl(Marketplaces, targets=targets)
    process.start()
