"""Build data/world_110m.geojson, the country outlines of the offline map, from world-atlas.

Natural Earth 1:110m admin-0 countries (public domain) as packed by the npm package
`world-atlas` (ISC licence) in TopoJSON. Get it without installing anything:

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python scripts/build_outlines.py /tmp/package/countries-110m.json

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


def convert(topo: dict, layer: str = "countries") -> dict:
    arcs = decode_arcs(topo)
    features = []
    for geom in topo["objects"][layer]["geometries"]:
        shape = geometry(geom, arcs)
        if shape is None:
            continue
        props = {"name": (geom.get("properties") or {}).get("name"), "iso_n3": geom.get("id")}
        features.append({"type": "Feature", "properties": props, "geometry": shape})
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via the npm package "
                  "world-atlas (countries-110m.json); converted by scripts/build_outlines.py",
        "features": features,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("topojson", type=Path, help="countries-110m.json from the world-atlas package")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    geo = convert(json.loads(args.topojson.read_text(encoding="utf-8")))
    text = json.dumps(geo, separators=(",", ":"), ensure_ascii=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(geo['features'])} countries, {len(text):,} bytes")


if __name__ == "__main__":
    main()
