"""sklearn-tabular: a table with a target column -> a random forest, saved with joblib and as ONNX."""

import json
import os
import sys
from pathlib import Path

import joblib
import kamld_tracking as tracking
import numpy as np
import pandas as pd
from skl2onnx import to_onnx
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, f1_score, mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

TABLES = (".csv", ".parquet", ".pq")


def find_table(roots, name):
    found = []
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and not relative.startswith(".kamld") and path.suffix.lower() in TABLES:
                if not name or relative == name:
                    found.append(path)
    if not found:
        sys.exit(f"no table {name!r} in the inputs" if name else "no CSV or Parquet file in the inputs")
    if len(found) > 1:
        sys.exit(
            f"several tables in the inputs ({', '.join(p.name for p in found)}): choose one with param file"
        )
    return found[0]


def main():
    params = tracking.params()
    path = find_table(tracking.inputs().values(), params["file"])
    table = pd.read_parquet(path) if path.suffix.lower() != ".csv" else pd.read_csv(path)
    target = params["target"]
    if target not in table.columns:
        sys.exit(
            f"target column {target!r} is not in {path.name} (columns: {', '.join(map(str, table.columns))})"
        )
    features = table.drop(columns=[target]).select_dtypes(include="number")
    if features.shape[1] == 0:
        sys.exit("the table has no numeric feature column")
    labels = table[target]
    task = params["task"]
    if task == "auto":
        task = "regression" if labels.dtype.kind == "f" and labels.nunique() > 20 else "classification"
    print(f"training a {task} model on {len(table)} rows, {features.shape[1]} features from {path.name}")
    x_train, x_test, y_train, y_test = train_test_split(
        features.to_numpy(np.float32),
        labels.to_numpy(),
        test_size=params["test_size"],
        random_state=params["seed"],
    )
    model_type = RandomForestClassifier if task == "classification" else RandomForestRegressor
    model = model_type(n_estimators=params["n_estimators"], random_state=params["seed"], n_jobs=1)
    model.fit(x_train, y_train)
    predicted = model.predict(x_test)
    if task == "classification":
        metrics = {
            "accuracy": accuracy_score(y_test, predicted),
            "f1": f1_score(y_test, predicted, average="macro"),
        }
    else:
        metrics = {
            "rmse": float(np.sqrt(mean_squared_error(y_test, predicted))),
            "r2": r2_score(y_test, predicted),
        }
    for key, value in metrics.items():
        tracking.log_metric(key, value)
        print(f"{key} = {value:.4f}")
    tracking.log_param("task", task)
    out = Path(tracking.output_dir())
    joblib.dump(model, out / "model.joblib")
    onnx_model = to_onnx(
        model, x_train[:1], options={id(model): {"zipmap": False}} if task == "classification" else None
    )
    (out / "model.onnx").write_bytes(onnx_model.SerializeToString())
    (out / "model.json").write_text(
        json.dumps({"task": task, "features": list(map(str, features.columns)), "target": target}, indent=2)
        + "\n"
    )
    print("wrote model.joblib and model.onnx")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
