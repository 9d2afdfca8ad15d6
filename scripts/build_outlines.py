"""Build data/world_110m.geojson, the country outlines of the offline map, from world-atlas.

Natural Earth 1:110m admin-0 countries (public domain) as packed by the npm package
`world-atlas` (ISC licence) in TopoJSON. Get it without installing anything:

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python scripts/build_outlines.py /tmp/package/countries-110m.json
    python scripts/build_outlines.py --fix-only     # only split antimeridian crossings of the shipped file

TopoJSON stores each shared border once as an "arc" of delta-encoded integer points; a polygon
ring is a list of arc indexes (a negative index ~i means arc i walked backwards). This script
decodes that into plain GeoJSON polygons and rounds coordinates to 2 decimals (about 1 km, far
finer than the 1:110m source) so the file stays small enough to send to every viewer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "world_110m.geojson"
DECIMALS = 2


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (undoing quantisation and delta encoding)."""
    transform = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        points, x, y = [], 0, 0
        for dx, dy, *_ in arc:
            if transform:
                x, y = x + dx, y + dy
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    """Join the arcs of one ring; consecutive arcs share their joining point, so keep it once."""
    out: list[list[float]] = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        for j, (lon, lat) in enumerate(pts):
            if out and j == 0:
                continue
            p = [round(lon, DECIMALS), round(lat, DECIMALS)]
            if not out or p != out[-1]:  # rounding can make neighbours equal: drop repeats
                out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def geometry(geom: dict, arcs) -> dict | None:
    kind = geom.get("type")
    if kind == "Polygon":
        rings = [r for r in (ring(a, arcs) for a in geom["arcs"]) if len(r) >= 4]
        return {"type": "Polygon", "coordinates": rings} if rings else None
    if kind == "MultiPolygon":
        polys = []
        for poly in geom["arcs"]:
            rings = [r for r in (ring(a, arcs) for a in poly) if len(r) >= 4]
            if rings:
                polys.append(rings)
        return {"type": "MultiPolygon", "coordinates": polys} if polys else None
    return None  # points, lines and null geometries have no outline to draw


def _crossings(ring: list[list[float]]) -> int:
    """Edges that jump more than half the world in longitude: the ring crosses the antimeridian."""
    return sum(1 for a, b in zip(ring, ring[1:]) if abs(b[0] - a[0]) > 180)


def _unwrap(ring: list[list[float]]) -> list[list[float]]:
    """The ring with continuous longitudes (a crossing at 180 continues to 181, not -179)."""
    out, shift = [list(ring[0])], 0.0
    for a, b in zip(ring, ring[1:]):
        d = b[0] - a[0]
        shift += -360.0 if d > 180 else 360.0 if d < -180 else 0.0
        out.append([b[0] + shift, b[1]])
    return out


def _clip(ring: list[list[float]], at: float, keep_west: bool) -> list[list[float]]:
    """The part of a closed ring west (or east) of the meridian `at` (Sutherland-Hodgman on one edge)."""
    def inside(p):
        return p[0] <= at if keep_west else p[0] >= at

    def cut(p, q):
        t = (at - p[0]) / (q[0] - p[0])
        return [at, round(p[1] + t * (q[1] - p[1]), DECIMALS)]

    out: list[list[float]] = []
    pts = ring[:-1]
    for i, cur in enumerate(pts):
        prev = pts[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(cut(prev, cur))
            out.append(cur)
        elif inside(prev):
            out.append(cut(prev, cur))
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def split_at_antimeridian(polygons: list[list[list[list[float]]]]) -> list[list[list[list[float]]]]:
    """Polygons whose outer ring crosses the antimeridian (Fiji, Chukotka) cut into a part on each side.
    Drawn as they are, such a ring spans the whole world and the map fills a band across it. A ring
    with an odd number of crossings goes round a pole (Antarctica) and is kept as it is."""
    out = []
    for poly in polygons:
        outer = poly[0]
        n = _crossings(outer)
        if n == 0 or n % 2:
            out.append(poly)
            continue
        flat = _unwrap(outer)
        at = 180.0 if max(p[0] for p in flat) > 180 else -180.0
        for keep_west in (True, False):
            part = _clip(flat, at, keep_west)
            if len(part) < 4:
                continue
            if any(p[0] > 180 for p in part):
                part = [[round(p[0] - 360, DECIMALS), p[1]] for p in part]
            elif any(p[0] < -180 for p in part):
                part = [[round(p[0] + 360, DECIMALS), p[1]] for p in part]
            out.append([part])  # holes of a crossing polygon: none at 1:110m
    return out


def fix(geo: dict) -> dict:
    """Every feature with its antimeridian crossings split (see split_at_antimeridian)."""
    for f in geo["features"]:
        g = f["geometry"]
        polys = split_at_antimeridian(g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])
        f["geometry"] = {"type": "MultiPolygon", "coordinates": polys} if len(polys) > 1 or g["type"] == "MultiPolygon" \
            else {"type": "Polygon", "coordinates": polys[0]}
    return geo


def convert(topo: dict, layer: str = "countries") -> dict:
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"][layer]["geometries"]:
        shape = geometry(geom, arcs)
        if shape is None:
            continue
        props = {"name": (geom.get("properties") or {}).get("name"), "iso_n3": geom.get("id")}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return fix({
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via the npm package "
                  "world-atlas (countries-110m.json); converted by scripts/build_outlines.py",
        "features": features,
    })


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("topojson", type=Path, nargs="?", help="countries-110m.json from the world-atlas package")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--fix-only", action="store_true",
                    help="no TopoJSON: split the antimeridian crossings of the existing --out file in place")
    args = ap.parse_args()
    if args.fix_only:
        geo = fix(json.loads(args.out.read_text(encoding="utf-8")))
    elif args.topojson is None:
        ap.error("give the TopoJSON file, or --fix-only")
    else:
        geo = convert(json.loads(args.topojson.read_text(encoding="utf-8")))
    text = json.dumps(geo, separators=(",", ":"), ensure_ascii=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(geo['features'])} countries, {len(text):,} bytes")


if __name__ == "__main__":
    main()
