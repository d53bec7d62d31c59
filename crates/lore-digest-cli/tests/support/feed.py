"""Parses an Atom feed with feedparser and prints what the tests check, as JSON.

Usage: feed.py FILE BASE_URL
"""

import json
import sys

import feedparser

with open(sys.argv[1], "rb") as f:
    data = f.read()
feed = feedparser.parse(
    data,
    response_headers={"content-location": sys.argv[2], "content-type": "application/atom+xml"},
)
print(
    json.dumps(
        {
            "bozo": bool(feed.bozo),
            "bozo_exception": str(feed.get("bozo_exception", "")),
            "version": feed.version,
            "title": feed.feed.get("title"),
            "id": feed.feed.get("id"),
            "entries": [
                {
                    "id": e.get("id"),
                    "title": e.get("title"),
                    "link": e.get("link"),
                    "updated": e.get("updated"),
                    "summary": e.get("summary"),
                }
                for e in feed.entries
            ],
        }
    )
)
