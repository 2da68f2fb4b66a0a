"""tweetpipe's Spark engine: landing batches → the processed tables of the data contract.

Run by `tweetpipe process --engine spark` (spark-submit, local mode or EMR Serverless):

    spark-submit tweetpipe_process.py --spec spec.json --out OUT_DIR

(both may be local paths or object-store URIs: s3:// on EMR, s3a:// from a local Spark).

`spec.json` lists the batches: {"batches": [{"batch_id": …, "parts": [{"key": …, "path": …,
"sha256": …}]}]}. Each batch is flattened in one task (the contract's dedupe is per batch, and a
batch is at most a few hundred MB of JSON), every batch in parallel; the rows become DataFrames
with explicit schemas and are written as zstd Parquet, one file per batch and created_date, into
OUT_DIR/<table>/batch_part=<batch_id>/created_date_part=YYYY-MM-DD/ (the date is also kept in the
`created_date` column inside the file, as Redshift's COPY needs). Each batch's reconciliation
counts and quarantine records go to OUT_DIR/_sidecar, the rows per table and date to OUT_DIR/_counts;
tweetpipe then moves the files into the lake and commits the processed manifest, exactly as for
DuckDB. The cleaning rules mirror src/process/flatten-batch.ts and src/process/clean/*.ts line by line.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import ipaddress
import json
import re
import stringprep
import unicodedata
import zlib
from datetime import date, datetime, timedelta

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    BooleanType,
    DateType,
    DoubleType,
    IntegerType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
)

MAX_INT64 = 9223372036854775807
SNOWFLAKE_EPOCH_MS = 1288834974657

# ---- the contract's column kinds and tables (src/schema/tables.ts) ------------------------------
KIND = {
    "id": LongType(),
    "text": StringType(),
    "int": LongType(),
    "int32": IntegerType(),
    "bool": BooleanType(),
    "ts": TimestampNTZType(),
    "date": DateType(),
    "double": DoubleType(),
}
TAG = [("tweet_id", "id"), ("tag", "text"), ("tag_normalized", "text"), ("start_index", "int32"), ("end_index", "int32"), ("created_date", "date")]
TABLES = {
    "tweets": (True, [
        ("tweet_id", "id"), ("author_id", "id"), ("conversation_id", "id"), ("in_reply_to_user_id", "id"),
        ("created_at", "ts"), ("created_date", "date"), ("retrieved_at", "ts"), ("text", "text"),
        ("text_normalized", "text"), ("lang", "text"), ("source", "text"), ("possibly_sensitive", "bool"),
        ("reply_settings", "text"), ("is_retweet", "bool"), ("is_reply", "bool"), ("is_quote", "bool"),
        ("retweeted_tweet_id", "id"), ("quoted_tweet_id", "id"), ("replied_to_tweet_id", "id"),
        ("retweet_count", "int"), ("reply_count", "int"), ("like_count", "int"), ("quote_count", "int"),
        ("impression_count", "int"), ("bookmark_count", "int"), ("hashtag_count", "int32"),
        ("mention_count", "int32"), ("url_count", "int32"), ("media_count", "int32"), ("place_id", "text"),
        ("latest_version_id", "id"), ("is_edited", "bool"), ("collected_via", "text"), ("batch_id", "text"),
    ]),
    "users": (False, [
        ("user_id", "id"), ("username", "text"), ("name", "text"), ("description", "text"), ("location", "text"),
        ("url", "text"), ("profile_image_url", "text"), ("created_at", "ts"), ("verified", "bool"),
        ("verified_type", "text"), ("protected", "bool"), ("followers_count", "int"), ("following_count", "int"),
        ("tweet_count", "int"), ("listed_count", "int"), ("like_count", "int"), ("retrieved_at", "ts"), ("batch_id", "text"),
    ]),
    "tweet_hashtags": (True, TAG),
    "tweet_cashtags": (True, TAG),
    "tweet_mentions": (True, [("tweet_id", "id"), ("user_id", "id"), ("username", "text"), ("start_index", "int32"), ("end_index", "int32"), ("created_date", "date")]),
    "tweet_urls": (True, [("tweet_id", "id"), ("url", "text"), ("expanded_url", "text"), ("display_url", "text"), ("domain", "text"), ("start_index", "int32"), ("end_index", "int32"), ("created_date", "date")]),
    "tweet_references": (True, [("tweet_id", "id"), ("referenced_tweet_id", "id"), ("reference_type", "text"), ("created_date", "date")]),
    "media": (False, [
        ("media_key", "text"), ("type", "text"), ("url", "text"), ("preview_image_url", "text"), ("width", "int32"),
        ("height", "int32"), ("duration_ms", "int"), ("alt_text", "text"), ("view_count", "int"), ("retrieved_at", "ts"), ("batch_id", "text"),
    ]),
    "tweet_media": (True, [("tweet_id", "id"), ("media_key", "text"), ("created_date", "date")]),
    "places": (False, [
        ("place_id", "text"), ("full_name", "text"), ("name", "text"), ("country", "text"), ("country_code", "text"),
        ("place_type", "text"), ("bbox_west", "double"), ("bbox_south", "double"), ("bbox_east", "double"),
        ("bbox_north", "double"), ("retrieved_at", "ts"), ("batch_id", "text"),
    ]),
}

# ---- cleaning rules (src/process/clean/clean-text.ts) -------------------------------------------
HTML_ENTITY = re.compile(r"&(amp|lt|gt);")
HTML_CHARS = {"amp": "&", "lt": "<", "gt": ">"}
C0_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
# JavaScript's white space (\s, trim()), spelled out: Python's also counts U+001C-U+001F and
# U+0085 (NEL), and not U+FEFF.
JS_SPACE = "\t\n\x0b\x0c\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
WS = re.escape(JS_SPACE)
RT_PREFIX = re.compile(rf"^rt @\w+:[{WS}]*")
URLS = re.compile(rf"https?://[^{WS}]+")
MENTIONS = re.compile(r"@\w+")
SPACES = re.compile(rf"[{WS}]+")


def clean_text(raw: str) -> str:
    text = HTML_ENTITY.sub(lambda m: HTML_CHARS[m.group(1)], raw) if "&" in raw else raw
    return C0_CONTROLS.sub("", unicodedata.normalize("NFC", text))


def normalize_text(text: str) -> str:
    t = text.lower()
    t = RT_PREFIX.sub("", t, count=1)
    t = URLS.sub(" ", t)
    t = MENTIONS.sub(" ", t)
    t = SPACES.sub(" ", t)
    return t.strip(JS_SPACE)


def normalize_tag(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag).lower()


def url_domain(url):
    """urlDomain: the URL's host as `new URL(url).hostname` gives it, lower case, without `www.`."""
    if not url:
        return None
    host = url_hostname(url)
    if not host:
        return None
    host = host.lower()
    return (host[4:] if host.startswith("www.") else host) or None


# ---- URL hosts as the WHATWG URL Standard parses them (JavaScript's `new URL`) ------------------
# urlsplit is not that parser: it keeps `bücher.example` where a URL has `xn--bcher-kva.example`,
# reads `ex%41mple.com`, `0x7f.1` and `a b.com` as they are, and accepts ports over 65535.
# IDNA follows UTS #46 as the URL Standard sets it (nontransitional, no hyphen or length checks,
# joiners and bidi checked), with Python's Unicode data standing in for UTS #46's table: NFKC
# and case folding, ß and ς kept. Code points newer than Python's Unicode data are refused.
SPECIAL_SCHEMES = {"ftp", "file", "http", "https", "ws", "wss"}
URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
FORBIDDEN_HOST = set("\x00\t\n\r #/:<>?@[\\]^|")
FORBIDDEN_DOMAIN = FORBIDDEN_HOST | {chr(c) for c in range(0x20)} | {"%", "\x7f"}
LABEL_DOTS = "\u3002\uff0e\uff61"
LABEL_SPLIT = re.compile(f"[.{LABEL_DOTS}]")
DEVIATIONS = {"\u00df", "\u03c2", "\u200c", "\u200d"}
NOT_IN_DOMAINS = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
IPV4_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
RTL_LABEL = {"R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"}


def url_hostname(url: str):
    """`new URL(url).hostname` ("" for a URL without a host), or None where the URL does not parse."""
    u = url.encode("utf-16", "surrogatepass").decode("utf-16", "replace")  # as a JavaScript USVString
    u = re.sub("[\t\n\r]", "", u.strip(C0_OR_SPACE))
    m = URL_SCHEME.match(u)
    if not m:
        return None
    scheme, rest = m.group(0)[:-1].lower(), u[m.end() :]
    special = scheme in SPECIAL_SCHEMES
    ends = "/\\?#" if special else "/?#"
    if scheme == "file":
        if rest[:1] not in ("/", "\\") or rest[1:2] not in ("/", "\\"):
            return ""
        host = until(rest[2:], ends)
        if host == "" or re.fullmatch(r"[A-Za-z][:|]", host):
            return ""
        parsed = parse_host(host, True)
        return "" if parsed == "localhost" else parsed
    if special:
        rest = rest.lstrip("/\\")
    elif rest.startswith("//"):
        rest = rest[2:]
    else:
        return ""
    authority = until(rest, ends)
    if "@" in authority:  # credentials come before the last @, and a host must follow it
        authority = authority[authority.rfind("@") + 1 :]
        if authority == "":
            return None
    host, port, in_brackets = authority, None, False
    for i, c in enumerate(authority):
        if c == ":" and not in_brackets:
            host, port = authority[:i], authority[i + 1 :]
            break
        in_brackets = True if c == "[" else False if c == "]" else in_brackets
    if host == "":
        return "" if not special and port is None else None
    if port and (not port.isascii() or not port.isdigit() or int(port) > 65535):
        return None
    return parse_host(host, special)


def until(text: str, ends: str) -> str:
    return text[: next((i for i, c in enumerate(text) if c in ends), len(text))]


def parse_host(text: str, special: bool):
    if text.startswith("["):
        return ipv6_host(text[1:-1]) if text.endswith("]") else None
    if not special:  # an opaque host: kept, non-ASCII and controls percent-encoded
        if any(c in FORBIDDEN_HOST for c in text):
            return None
        return "".join(c if " " <= c <= "~" else "".join(f"%{b:02X}" for b in c.encode()) for c in text)
    decoded = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), text.encode())
    domain = domain_to_ascii(decoded.decode("utf-8", "replace"))
    if not domain or any(c in FORBIDDEN_DOMAIN for c in domain):
        return None
    return ipv4_host(domain) if ends_in_number(domain) else domain


def ipv6_host(text: str):
    if not re.fullmatch(r"[0-9A-Fa-f:.]+", text):
        return None
    try:
        value = int(ipaddress.IPv6Address(text))
    except ValueError:
        return None
    pieces = [(value >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    # The first longest run of two or more zero pieces is written `::`.
    start, length = -1, 1
    for i in range(8):
        run = next((j for j in range(i, 8) if pieces[j] != 0), 8) - i
        if run > length:
            start, length = i, run
    hexes = [f"{p:x}" for p in pieces]
    if start < 0:
        return "[" + ":".join(hexes) + "]"
    return "[" + ":".join(hexes[:start]) + "::" + ":".join(hexes[start + length :]) + "]"


def ipv4_number(part: str):
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if not all(c in IPV4_DIGITS[radix] for c in part):
        return None
    return int(part, radix) if part else 0


def number_parts(domain: str):
    """The domain's labels, one final empty label (a trailing dot) left out."""
    parts = domain.split(".")
    return parts[:-1] if parts[-1] == "" and len(parts) > 1 else parts


def ends_in_number(domain: str) -> bool:
    last = number_parts(domain)[-1]
    return last != "" and (last.isascii() and last.isdigit() or ipv4_number(last) is not None)


def ipv4_host(domain: str):
    numbers = [ipv4_number(p) if p else None for p in number_parts(domain)]
    if len(numbers) > 4 or None in numbers:
        return None
    if any(v > 255 for v in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1] + sum(v * 256 ** (3 - i) for i, v in enumerate(numbers[:-1]))
    return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def uts46_map(text: str):
    out = []
    for c in text:
        if c in DEVIATIONS:
            out.append(c)
        elif c.isascii():
            out.append(c.lower())
        elif stringprep.in_table_b1(c) or 0xE0100 <= ord(c) <= 0xE01EF:
            continue  # ignored (soft hyphen, zero-width space, variation selectors)
        elif "\u2ff0" <= c <= "\u2fff" or c == "\ufffd":
            return None
        else:
            mapped = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", c).casefold())
            if c not in LABEL_DOTS and any(d in mapped for d in "." + LABEL_DOTS):
                return None  # UTS #46 refuses characters that would make dots (⒈)
            out.append(mapped)
    return "".join(out)


def label_valid(label: str) -> bool:
    if label == "":
        return True
    if unicodedata.category(label[0]).startswith("M"):
        return False
    for i, c in enumerate(label):
        if c in "\u200c\u200d":  # CONTEXTJ, only after a virama here
            if i == 0 or unicodedata.combining(label[i - 1]) != 9:
                return False
        elif unicodedata.category(c) in NOT_IN_DOMAINS:
            return False
    classes = [unicodedata.bidirectional(c) for c in label]
    if not any(k in ("R", "AL", "AN") for k in classes):
        return True
    # RFC 5893's rules for a right-to-left label.
    last = next((k for k in reversed(classes) if k != "NSM"), None)
    return (
        classes[0] in ("R", "AL")
        and all(k in RTL_LABEL for k in classes)
        and last in ("R", "AL", "EN", "AN")
        and not ("EN" in classes and "AN" in classes)
    )


def domain_to_ascii(domain: str):
    if domain.isascii() and not any(label.lower().startswith("xn--") for label in domain.split(".")):
        return domain.lower()
    mapped = uts46_map(domain)
    if mapped is None:
        return None
    out = []
    for label in LABEL_SPLIT.split(unicodedata.normalize("NFC", mapped)):
        encoded = label
        if label.startswith("xn--"):
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                return None
            if label == "" or uts46_map(label) != label or unicodedata.normalize("NFC", label) != label:
                return None
        elif not label.isascii():
            encoded = "xn--" + label.encode("punycode").decode("ascii")
        if not label_valid(label):
            return None
        out.append(encoded)
    return ".".join(out)


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class EntityAnchor:
    """Re-anchors entities on the cleaned text (src/process/clean/anchor-entities.ts)."""

    def __init__(self, text: str):
        self.text = text
        self.lower = text.lower()
        self.used: set[int] = set()
        self.length = len(text)

    def place(self, surface: str, hint_start, hint_end):
        needle = unicodedata.normalize("NFC", surface)
        hint = hint_start if is_offset(hint_start) else 0
        best, best_distance = -1, float("inf")
        haystacks = [self.text, self.lower] if utf16_len(needle) == utf16_len(needle.lower()) else [self.text]
        for haystack in haystacks:
            target = needle if haystack is self.text else needle.lower()
            at = haystack.find(target)
            while at >= 0:
                if at not in self.used:
                    distance = abs(at - hint)
                    if distance < best_distance:
                        best, best_distance = at, distance
                at = haystack.find(target, at + 1)
            if best >= 0:
                break
        if best >= 0:
            self.used.add(best)
            return best, best + len(needle)
        start = min(max(0, hint), self.length)
        end = min(max(start, hint_end if is_offset(hint_end) else start + len(needle)), self.length)
        return start, end


# ---- JSON value helpers, as in flatten-batch.ts -------------------------------------------------
def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and v not in (float("inf"), float("-inf"))


def is_offset(v) -> bool:
    """An entity offset X could have sent: an integer (Number.isInteger; 2.5 and 1e400 are not)."""
    return is_number(v) and float(v).is_integer()


def to_id(v):
    if isinstance(v, str) and re.fullmatch(r"[0-9]{1,19}", v) and int(v) <= MAX_INT64:  # \d takes ١
        return v
    return None


def not_json(constant: str):
    """json.loads takes NaN, Infinity and -Infinity; JSON.parse (and JSON) does not."""
    raise ValueError(f"{constant} is not JSON")


def js_int(text: str):
    """A JSON integer as JSON.parse reads it: a double, so exact only up to 2**53."""
    value = int(text)
    return value if -(2**53) <= value <= 2**53 else float(text)


def js_loads(line: str):
    try:
        return json.loads(line, parse_constant=not_json, parse_int=js_int)
    except RecursionError:
        return deep_loads(line)


JSON_WS = re.compile(r"[ \t\n\r]*")
JSON_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
JSON_LITERALS = (("true", True), ("false", False), ("null", None))


def deep_loads(text: str):
    """js_loads without recursion, for a line nested deeper than Python's recursion limit (JSON.parse
    reads any depth): the same values, key order and duplicate keys as json.loads gives."""
    open_: list = []  # [container, key] of every array or object being read, outermost first
    i = JSON_WS.match(text, 0).end()

    def key_at(i: int):
        if text[i : i + 1] != '"':
            raise ValueError(f"expected a key at {i}")
        key, i = json.decoder.scanstring(text, i + 1, True)
        i = JSON_WS.match(text, i).end()
        if text[i : i + 1] != ":":
            raise ValueError(f"expected ':' at {i}")
        return key, JSON_WS.match(text, i + 1).end()

    while True:
        c = text[i : i + 1]
        if c in ("{", "["):
            i = JSON_WS.match(text, i + 1).end()
            if text[i : i + 1] == ("}" if c == "{" else "]"):
                value, i = ({} if c == "{" else []), i + 1
            elif c == "{":
                key, i = key_at(i)
                open_.append([{}, key])
                continue
            else:
                open_.append([[], None])
                continue
        elif c == '"':
            value, i = json.decoder.scanstring(text, i + 1, True)
        else:
            number = JSON_NUMBER.match(text, i)
            literal = None if number else next(((w, v) for w, v in JSON_LITERALS if text.startswith(w, i)), None)
            if number:
                whole, frac, exp = number.groups()
                value = js_int(whole) if frac is None and exp is None else float(number.group(0))
                i = number.end()
            elif literal:
                value, i = literal[1], i + len(literal[0])
            elif constant := next((w for w in ("NaN", "Infinity", "-Infinity") if text.startswith(w, i)), None):
                not_json(constant)
            else:
                raise ValueError(f"expected a value at {i}")
        # The value read goes into its container; containers that end here are values in turn.
        while True:
            i = JSON_WS.match(text, i).end()
            if not open_:
                if i != len(text):
                    raise ValueError(f"extra data at {i}")
                return value
            top = open_[-1]
            if isinstance(top[0], dict):
                top[0][top[1]] = value
            else:
                top[0].append(value)
            c = text[i : i + 1]
            if c == ",":
                i = JSON_WS.match(text, i + 1).end()
                if isinstance(top[0], dict):
                    top[1], i = key_at(i)
                break
            if c != ("}" if isinstance(top[0], dict) else "]"):
                raise ValueError(f"expected ',' or a closing bracket at {i}")
            value, i = open_.pop()[0], i + 1


JS_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
JS_ESCAPED = re.compile('[\x00-\x1f"\\\\\ud800-\udfff]')
ARRAY_INDEX = re.compile("0|[1-9][0-9]{0,9}")


def js_string(text: str) -> str:
    return '"' + JS_ESCAPED.sub(lambda m: JS_ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04x}"), text) + '"'


def js_number(x: float) -> str:
    """Number.prototype.toString: the shortest digits that read back (repr's), JavaScript's layout."""
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    if x == 0:
        return "0"
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    point = len(whole) + int(exp or 0) - (len(whole + frac) - len((whole + frac).lstrip("0")))
    digits = digits.rstrip("0")
    k, sign = len(digits), "-" if x < 0 else ""
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    e = point - 1
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def js_keys(v: dict) -> list:
    """Object.keys order: array indexes first, ascending, then the others as inserted."""
    indexes = sorted((k for k in v if ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1), key=int)
    taken = set(indexes)
    return indexes + [k for k in v if k not in taken]


def js_scalar(v) -> str:
    """JSON.stringify of a value that is not an array or object."""
    if v is None or v is True or v is False:
        return {None: "null", True: "true", False: "false"}[v]
    if isinstance(v, str):
        return js_string(v)
    if isinstance(v, int):
        return str(v)
    return js_number(v)


def js_json(v) -> str:
    """JSON.stringify(v): JavaScript's numbers, escapes, and its key order (array indexes first,
    ascending). A loop, not recursion: a value may be nested deeper than Python's recursion limit
    (as jsonText in TypeScript)."""
    out: list[str] = []
    open_: list = []  # [container, its keys (None for a list), next index]

    def write(x):
        if isinstance(x, list):
            out.append("[")
            open_.append([x, None, 0])
        elif isinstance(x, dict):
            out.append("{")
            open_.append([x, js_keys(x), 0])
        else:
            out.append(js_scalar(x))

    write(v)
    while open_:
        top = open_[-1]
        container, keys, at = top
        if at == len(container if keys is None else keys):
            out.append("]" if keys is None else "}")
            open_.pop()
            continue
        if at > 0:
            out.append(",")
        top[2] += 1
        if keys is None:
            write(container[at])
        else:
            out.append(js_string(keys[at]) + ":")
            write(container[keys[at]])
    return "".join(out)


def js_slice(text: str, end: int) -> str:
    """text.slice(0, end): JavaScript counts UTF-16 code units."""
    return text.encode("utf-16-le", "surrogatepass")[: 2 * end].decode("utf-16-le", "surrogatepass")


def id_problem(v):
    if v is None or v == "":
        return "post without id"
    return None if to_id(v) is not None else f"id {js_slice(js_json(v), 40)} is not a decimal 64-bit integer"


def s(v):
    return v if isinstance(v, str) else None


def n(v):
    return v if is_number(v) else None


def b(v):
    return v if isinstance(v, bool) else None


RFC3339 = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:Z|([+-])([0-9]{2}):([0-9]{2}))")
EPOCH = datetime(1970, 1, 1)
FIRST_MS, LAST_MS = -62135596800000, 253402300799999  # 0001-01-01T00:00:00.000Z, 9999-12-31T23:59:59.999Z


def parse_ms(v):
    """parseTimestamp (src/process/clean/parse-timestamp.ts): an RFC 3339 date-time, else None."""
    m = RFC3339.fullmatch(v) if isinstance(v, str) else None
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    offset_hours, offset_minutes = int(m.group(9) or 0), int(m.group(10) or 0)
    if offset_hours > 23 or offset_minutes > 59:
        return None
    try:
        d = datetime(year, month, day, hour, minute, second)
    except ValueError:  # no such day or time (30 February, 24:00, a leap second, year 0)
        return None
    offset = (-1 if m.group(8) == "-" else 1) * (offset_hours * 60 + offset_minutes) * 60000
    ms = (d - EPOCH) // timedelta(milliseconds=1) + int((m.group(7) or "").ljust(3, "0")[:3]) - offset
    return ms if FIRST_MS <= ms <= LAST_MS else None


def iso(ms: int) -> str:
    """new Date(ms).toISOString() (years 1-9999; strftime would not pad years before 1000)."""
    d = EPOCH + timedelta(milliseconds=ms)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}.{ms % 1000:03d}Z"


# ---- one batch, as BatchFlattener does it -------------------------------------------------------
def flatten_batch(batch: dict, contents: dict):
    """`contents` maps each part's path to its bytes (read by Spark: local files or object storage)."""
    batch_id = batch["batch_id"]
    stats = dict(lines_read=0, lines_quarantined=0, posts_read=0, posts_written=0, posts_quarantined=0,
                 posts_duplicate=0, users_read=0, users_quarantined=0, partial_errors=0)
    quarantine = []
    posts, users, media, places = {}, {}, {}, {}

    def add_post(post, match, ms, at, part, line):
        stats["posts_read"] += 1
        problem = id_problem(post.get("id")) if isinstance(post, dict) else "post is not a JSON object"
        if problem:
            stats["posts_quarantined"] += 1
            quarantine.append(dict(reason=problem, part=part, line=line, raw=js_json(post)))
            return
        pid = post["id"]
        seen = posts.get(pid)
        if seen is None:
            posts[pid] = dict(post=post, ms=ms, at=at, match=match)
            return
        stats["posts_duplicate"] += 1
        if ms >= seen["ms"]:
            posts[pid] = dict(post=post, ms=ms, at=at, match=match or seen["match"])
        else:
            seen["match"] = seen["match"] or match

    for part in batch["parts"]:
        key = part["key"]
        raw = contents.get(normalize_path(part["path"])) if not part.get("missing") else None
        if raw is None:
            quarantine.append(dict(reason="part file named in the manifest is missing", part=key, line=0, raw=""))
            continue
        sha = hashlib.sha256(raw).hexdigest()
        if part.get("sha256") and sha != part["sha256"]:
            quarantine.append(dict(reason=f"checksum mismatch (manifest {part['sha256'][:12]}…, file {sha[:12]}…)", part=key, line=0, raw="", bad_part=True))
            continue
        try:
            text = gzip.decompress(raw).decode("utf-8", errors="replace")
        except (OSError, EOFError, zlib.error) as error:
            quarantine.append(dict(reason=f"corrupt gzip: {error}", part=key, line=0, raw="", bad_part=True))
            continue
        for line_no, line in enumerate(text.split("\n"), start=1):
            if line.strip(JS_SPACE) == "":
                continue
            stats["lines_read"] += 1
            try:
                wrapper = js_loads(line)
            except ValueError as error:
                stats["lines_quarantined"] += 1
                quarantine.append(dict(reason=f"line is not valid JSON: {error}", part=key, line=line_no, raw=line))
                continue
            response = wrapper.get("response") if isinstance(wrapper, dict) else None
            if not isinstance(response, dict):
                stats["lines_quarantined"] += 1
                quarantine.append(dict(reason='line has no "response" object', part=key, line=line_no, raw=line))
                continue
            ms = parse_ms(wrapper.get("retrieved_at"))
            if ms is None:
                stats["lines_quarantined"] += 1
                quarantine.append(dict(reason='line has no valid "retrieved_at"', part=key, line=line_no, raw=line))
                continue
            at = iso(ms)
            if isinstance(response.get("errors"), list):
                stats["partial_errors"] += len(response["errors"])
            data = response.get("data")
            data = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
            includes = response.get("includes") if isinstance(response.get("includes"), dict) else {}
            for post in data:
                add_post(post, True, ms, at, key, line_no)
            for post in includes.get("tweets") if isinstance(includes.get("tweets"), list) else []:
                add_post(post, False, ms, at, key, line_no)
            for user in includes.get("users") if isinstance(includes.get("users"), list) else []:
                stats["users_read"] += 1
                uid = to_id(user.get("id") if isinstance(user, dict) else None)
                if uid is None:
                    stats["users_quarantined"] += 1
                    problem = id_problem(user.get("id") if isinstance(user, dict) else None)
                    quarantine.append(dict(reason=f"user {problem.replace('post', 'user', 1)}", part=key, line=line_no, raw=js_json(user)))
                    continue
                seen = users.get(uid)
                if seen is None or ms >= seen["ms"]:
                    users[uid] = dict(user=user, ms=ms, at=at)
            for m in includes.get("media") if isinstance(includes.get("media"), list) else []:
                if isinstance(m, dict) and isinstance(m.get("media_key"), str):
                    media[m["media_key"]] = dict(media=m, at=at)
            for p in includes.get("places") if isinstance(includes.get("places"), list) else []:
                if isinstance(p, dict) and isinstance(p.get("id"), str):
                    places[p["id"]] = dict(place=p, at=at)

    rows = {t: [] for t in TABLES}
    for pid, c in posts.items():
        flatten_post(rows, pid, c, batch_id)
    stats["posts_written"] = len(rows["tweets"])
    for uid, u in users.items():
        user, m = u["user"], u["user"].get("public_metrics") if isinstance(u["user"].get("public_metrics"), dict) else {}
        desc = s(user.get("description"))
        rows["users"].append([uid, s(user.get("username")), s(user.get("name")), None if desc is None else clean_text(desc),
                              s(user.get("location")), s(user.get("url")), s(user.get("profile_image_url")),
                              iso_or_none(user.get("created_at")), b(user.get("verified")), s(user.get("verified_type")),
                              b(user.get("protected")), n(m.get("followers_count")), n(m.get("following_count")),
                              n(m.get("tweet_count")), n(m.get("listed_count")), n(m.get("like_count")), u["at"], batch_id])
    for key, v in media.items():
        m = v["media"]
        pm = m.get("public_metrics") if isinstance(m.get("public_metrics"), dict) else {}
        rows["media"].append([key, s(m.get("type")), s(m.get("url")), s(m.get("preview_image_url")), n(m.get("width")),
                              n(m.get("height")), n(m.get("duration_ms")), s(m.get("alt_text")), n(pm.get("view_count")), v["at"], batch_id])
    for pid, v in places.items():
        p = v["place"]
        geo = p.get("geo") if isinstance(p.get("geo"), dict) else {}
        bbox = geo.get("bbox") if isinstance(geo.get("bbox"), list) else []
        bb = [n(bbox[i]) if i < len(bbox) else None for i in range(4)]
        rows["places"].append([pid, s(p.get("full_name")), s(p.get("name")), s(p.get("country")), s(p.get("country_code")),
                               s(p.get("place_type")), *bb, v["at"], batch_id])
    return rows, stats, quarantine


def iso_or_none(v):
    ms = parse_ms(v)
    return None if ms is None else iso(ms)


def flatten_post(rows, pid, c, batch_id):
    p = c["post"]
    created_ms = parse_ms(p.get("created_at"))
    created_at = iso(created_ms if created_ms is not None else (int(pid) >> 22) + SNOWFLAKE_EPOCH_MS)
    created_date = created_at[:10]
    note = p.get("note_tweet") if isinstance(p.get("note_tweet"), dict) and isinstance(p["note_tweet"].get("text"), str) else None
    text = clean_text(note["text"] if note else (s(p.get("text")) or ""))
    entities = (note.get("entities") if note else p.get("entities")) or {}
    if not isinstance(entities, dict):
        entities = {}
    refs = p.get("referenced_tweets") if isinstance(p.get("referenced_tweets"), list) else []

    def ref_of(kind):
        for r in refs:
            if isinstance(r, dict) and r.get("type") == kind:
                return to_id(r.get("id"))
        return None

    m = p.get("public_metrics") if isinstance(p.get("public_metrics"), dict) else {}
    history = p.get("edit_history_tweet_ids") if isinstance(p.get("edit_history_tweet_ids"), list) else []
    att = p.get("attachments") if isinstance(p.get("attachments"), dict) else {}
    media_keys = att.get("media_keys") if isinstance(att.get("media_keys"), list) else []
    anchor = EntityAnchor(text)

    def entity_list(name, field):
        items = entities.get(name) if isinstance(entities.get(name), list) else []
        items = [e for e in items if isinstance(e, dict) and isinstance(e.get(field), str) and e[field] != ""]
        return sorted(items, key=lambda e: e["start"] if is_number(e.get("start")) else 0)

    hashtags = entity_list("hashtags", "tag")
    for h in hashtags:
        st, en = anchor.place("#" + h["tag"], h.get("start"), h.get("end"))
        rows["tweet_hashtags"].append([pid, h["tag"], normalize_tag(h["tag"]), st, en, created_date])
    for h in entity_list("cashtags", "tag"):
        st, en = anchor.place("$" + h["tag"], h.get("start"), h.get("end"))
        rows["tweet_cashtags"].append([pid, h["tag"], normalize_tag(h["tag"]), st, en, created_date])
    mentions = entity_list("mentions", "username")
    for x in mentions:
        st, en = anchor.place("@" + x["username"], x.get("start"), x.get("end"))
        rows["tweet_mentions"].append([pid, to_id(x.get("id")), x["username"], st, en, created_date])
    urls = entity_list("urls", "url")
    for u in urls:
        st, en = anchor.place(u["url"], u.get("start"), u.get("end"))
        expanded = s(u.get("expanded_url"))
        rows["tweet_urls"].append([pid, u["url"], expanded, s(u.get("display_url")), url_domain(u["url"] if expanded is None else expanded), st, en, created_date])
    for r in refs:
        ref_id = to_id(r.get("id")) if isinstance(r, dict) else None
        if ref_id and isinstance(r.get("type"), str):
            rows["tweet_references"].append([pid, ref_id, r["type"], created_date])
    for key in media_keys:
        if isinstance(key, str):
            rows["tweet_media"].append([pid, key, created_date])
    lang = s(p.get("lang"))
    kinds = [r.get("type") for r in refs if isinstance(r, dict)]
    geo = p.get("geo") if isinstance(p.get("geo"), dict) else {}
    rows["tweets"].append([
        pid, to_id(p.get("author_id")), to_id(p.get("conversation_id")), to_id(p.get("in_reply_to_user_id")),
        created_at, created_date, c["at"], text, normalize_text(text), None if lang == "und" else lang,
        s(p.get("source")), b(p.get("possibly_sensitive")), s(p.get("reply_settings")),
        "retweeted" in kinds, "replied_to" in kinds, "quoted" in kinds,
        ref_of("retweeted"), ref_of("quoted"), ref_of("replied_to"),
        n(m.get("retweet_count")), n(m.get("reply_count")), n(m.get("like_count")), n(m.get("quote_count")),
        n(m.get("impression_count")), n(m.get("bookmark_count")),
        len(hashtags), len(mentions), len(urls), len(media_keys), s(geo.get("place_id")),
        to_id(history[-1] if history else None) or pid, len(history) > 1,
        "match" if c["match"] else "reference", batch_id,
    ])


# ---- typing the rows for the schemas ------------------------------------------------------------
def typed(value, kind):
    if value is None:
        return None
    if kind == "id":
        return int(value)
    if kind in ("int", "int32"):
        # Rounded half to even, as DuckDB casts; a counter its column cannot hold is NULL.
        value = int(round(value))
        limit = MAX_INT64 if kind == "int" else 2**31 - 1
        return value if -limit - 1 <= value <= limit else None
    if kind == "double":
        return float(value)
    if kind == "ts":
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")
    if kind == "date":
        return date.fromisoformat(value[:10])
    return value


def normalize_path(p: str) -> str:
    """One name per file whichever way a filesystem spells it: Hadoop names local files `file:/x`
    where the spec says `/x`, and S3A, mapped to `s3://` URIs, may answer with `s3a://`."""
    return re.sub(r"^s3a://", "s3://", re.sub(r"^file:(//)?(?=/)", "", p))


def batch_records(item):
    """Everything one batch produces, as (kind, batch_id, table, row) records for the DataFrames."""
    batch, files = item
    rows, stats, quarantine = flatten_batch(batch, {normalize_path(p): bytes(b) for p, b in files})
    bid = batch["batch_id"]
    if stats["posts_read"] != stats["posts_written"] + stats["posts_quarantined"] + stats["posts_duplicate"]:
        raise RuntimeError(f"batch {bid}: reconciliation failed ({json.dumps(stats)})")
    for table, (_, columns) in TABLES.items():
        for row in rows[table]:
            yield ("row", bid, table, tuple(typed(v, k) for v, (_, k) in zip(row, columns)))
    yield ("stats", bid, "", (json.dumps({"stats": stats, "rows": {t: len(rows[t]) for t in TABLES}}),))
    for q in quarantine:
        yield ("quarantine", bid, "", (json.dumps(q, ensure_ascii=False),))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", required=True, help="JSON file listing the batches and their part files")
    parser.add_argument("--out", required=True, help="output folder (local path or s3a:// URI)")
    args = parser.parse_args()
    spark = (
        SparkSession.builder.appName("tweetpipe-process")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .getOrCreate()
    )
    # The spec is read by Spark, so it may be a local file or an object (s3:// on EMR, s3a:// locally).
    batches = json.loads(spark.read.text(args.spec, wholetext=True).first()[0])["batches"]
    sc = spark.sparkContext
    # Spark reads the part files (local paths or s3:// on EMR), then each batch's parts meet in one task.
    paths = [p["path"] for b in batches for p in b["parts"] if not p.get("missing")]
    owner = {normalize_path(p["path"]): b["batch_id"] for b in batches for p in b["parts"] if not p.get("missing")}
    by_id = {b["batch_id"]: b for b in batches}
    slices = max(1, len(batches))
    if owner:
        files = (
            sc.binaryFiles(",".join(paths), minPartitions=slices)
            .map(lambda pb, o=owner: (o[normalize_path(pb[0])], (normalize_path(pb[0]), pb[1])))
            .groupByKey(numPartitions=slices)
        )
    else:
        files = sc.parallelize([], slices)
    per_batch = sc.parallelize([(bid, None) for bid in by_id], slices).leftOuterJoin(files, numPartitions=slices)
    records = per_batch.map(lambda kv, b=by_id: (b[kv[0]], list(kv[1][1] or []))).flatMap(batch_records).cache()
    counts = []
    for table, (partitioned, columns) in TABLES.items():
        # One DataFrame per table for all batches (the batch is a partition column of the output,
        # not a pass of its own), kept while it is written and counted.
        schema = StructType([StructField("batch_part", StringType(), False)] + [StructField(c, KIND[k], True) for c, k in columns])
        rows = records.filter(lambda r, t=table: r[0] == "row" and r[2] == t).map(lambda r: (r[1],) + r[3])
        df = spark.createDataFrame(rows, schema).persist()
        target = f"{args.out}/{table}"
        if partitioned:
            # One file per batch and created_date (the value stays in the file; the folder names are only for the move).
            out = df.withColumn("created_date_part", F.col("created_date")).repartition("batch_part", "created_date_part")
            out.write.mode("overwrite").partitionBy("batch_part", "created_date_part").parquet(target)
            for r in df.groupBy("batch_part", "created_date").count().toLocalIterator():
                counts.append(json.dumps({"batch_id": r["batch_part"], "table": table, "created_date": r["created_date"].isoformat(), "rows": r["count"]}))
        else:
            df.repartition("batch_part").write.mode("overwrite").partitionBy("batch_part").parquet(target)
            for r in df.groupBy("batch_part").count().toLocalIterator():
                counts.append(json.dumps({"batch_id": r["batch_part"], "table": table, "created_date": None, "rows": r["count"]}))
        # (the per-batch, per-date counts are a few rows per table: the only data brought to the driver)
        df.unpersist()
    side = StructType([StructField("batch_id", StringType()), StructField("kind", StringType()), StructField("json", StringType())])
    extra = spark.createDataFrame(records.filter(lambda r: r[0] != "row").map(lambda r: (r[1], r[0], r[3][0])), side)
    extra.coalesce(1).write.mode("overwrite").json(f"{args.out}/_sidecar")
    spark.createDataFrame([(c,) for c in counts], "value string").coalesce(1).write.mode("overwrite").text(f"{args.out}/_counts")
    spark.stop()


if __name__ == "__main__":
    main()
