"""Reading an image folder with ``labels.csv`` (``file,label``), shared by the image recipes."""

import csv
import sys
from pathlib import Path

import numpy as np
from PIL import Image


def find_labels(roots):
    for root in roots:
        for path in sorted(Path(root).rglob("labels.csv")):
            if ".kamld" not in path.parts:
                return path
    sys.exit("no labels.csv (file,label) in the inputs")


def load(roots, size):
    """Images as float32 arrays (N, size, size, 3) in [0, 1], label indices, and the class names."""
    labels_file = find_labels(roots)
    with labels_file.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or not {"file", "label"} <= set(rows[0]):
        sys.exit(f"{labels_file.name} needs the columns file and label")
    classes = sorted({row["label"] for row in rows})
    if len(classes) < 2:
        sys.exit("the images need at least two labels")
    images, targets = [], []
    for row in rows:
        path = labels_file.parent / row["file"]
        if not path.is_file():
            sys.exit(f"{row['file']} is listed in {labels_file.name} but missing")
        with Image.open(path) as image:
            pixels = image.convert("RGB").resize((size, size))
            images.append(np.asarray(pixels, dtype=np.float32) / 255.0)
        targets.append(classes.index(row["label"]))
    return np.stack(images), np.asarray(targets, dtype=np.int64), classes


def split(images, targets, seed, test_share=0.25):
    order = np.random.default_rng(seed).permutation(len(images))
    cut = max(1, int(len(images) * test_share))
    test, train = order[:cut], order[cut:]
    return images[train], targets[train], images[test], targets[test]
