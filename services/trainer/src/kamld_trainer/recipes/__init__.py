"""Built-in recipes: a training script, its pinned requirements and its typed parameters.

A recipe's script runs in the run's own virtualenv (built from ``requirements``), never in the
platform's; it reads its inputs and parameters from the environment the executor gives it and
writes the model to ``$KAMLD_OUTPUT_DIR`` (see :mod:`kamld_trainer.executor.local`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kamld_common.errors import Invalid

SCRIPTS = Path(__file__).parent / "scripts"
TRACKING_HELPER = SCRIPTS / "kamld_tracking.py"


@dataclass(frozen=True)
class Param:
    """One parameter: its type, default (none: required) and, for strings, the values allowed."""

    type: type
    help: str
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    script: str
    requirements: tuple[str, ...]
    params: Mapping[str, Param] = field(default_factory=dict)
    min_inputs: int = 1

    @property
    def script_path(self) -> Path:
        return SCRIPTS / self.script


SEED = Param(int, "Random seed", default=0)

RECIPES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        Recipe(
            name="sklearn-tabular",
            description="A CSV/Parquet table with a target column -> classifier or regressor, with ONNX",
            script="sklearn_tabular.py",
            requirements=(
                "numpy==2.3.5",
                "pandas==2.3.3",
                "pyarrow==26.0.1",
                "joblib==1.6.0",
                "scikit-learn==1.9.1",
                "onnx==1.23.1",
                "skl2onnx==1.20.0",
            ),
            params={
                "target": Param(str, "The column to predict", required=True),
                "task": Param(
                    str,
                    "auto, classification or regression",
                    default="auto",
                    choices=("auto", "classification", "regression"),
                ),
                "file": Param(str, "The table's path inside the input (default: the only table)", default=""),
                "test_size": Param(float, "Share of rows held out for the metrics", default=0.25),
                "n_estimators": Param(int, "Trees in the random forest", default=50),
                "seed": SEED,
            },
        ),
        Recipe(
            name="pytorch-image",
            description="Images + labels.csv (file,label) -> a small CNN (PyTorch), exported to ONNX",
            script="pytorch_image.py",
            requirements=("torch==2.13.0", "numpy==2.3.5", "pillow==12.3.0", "onnx==1.23.1"),
            params={
                "epochs": Param(int, "Passes over the training images", default=2),
                "lr": Param(float, "Learning rate", default=0.01),
                "batch_size": Param(int, "Images per step", default=16),
                "image_size": Param(int, "Images are resized to this square", default=32),
                "seed": SEED,
            },
        ),
        Recipe(
            name="keras-image",
            description="Images + labels.csv (file,label) -> a small CNN (Keras), saved as .keras",
            script="keras_image.py",
            requirements=("tensorflow-cpu==2.21.0", "pillow==12.3.0"),
            params={
                "epochs": Param(int, "Passes over the training images", default=2),
                "lr": Param(float, "Learning rate", default=0.01),
                "batch_size": Param(int, "Images per step", default=16),
                "image_size": Param(int, "Images are resized to this square", default=32),
                "seed": SEED,
            },
        ),
    )
}


def get_recipe(name: str) -> Recipe:
    recipe = RECIPES.get(name)
    if recipe is None:
        raise Invalid(
            f"no recipe {name!r}; the recipes are {', '.join(sorted(RECIPES))}",
            field=["body", "recipe"],
            code="unknown_recipe",
        )
    return recipe


def _coerce(name: str, spec: Param, value: Any) -> Any:
    """``value`` as the parameter's type; strings (from a command line) are parsed."""
    where = ["body", "params", name]
    wanted = spec.type.__name__
    if spec.type is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.lower() in ("true", "1", "yes")
    elif spec.type is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
    elif spec.type is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
    elif spec.type is str and isinstance(value, str):
        if spec.choices and value not in spec.choices:
            raise Invalid(
                f"param {name}={value!r}: must be one of {', '.join(spec.choices)}",
                field=where,
                code="invalid_param",
            )
        return value
    raise Invalid(f"param {name}={value!r} is not a {wanted}", field=where, code="invalid_param")


def check_params(recipe: Recipe, params: Mapping[str, Any]) -> dict[str, Any]:
    """The recipe's parameters typed and complete (defaults filled); unknown or missing ones are 422."""
    unknown = sorted(set(params) - set(recipe.params))
    if unknown:
        raise Invalid(
            f"recipe {recipe.name} has no param {unknown[0]!r}; its params are {', '.join(recipe.params)}",
            field=["body", "params", unknown[0]],
            code="unknown_param",
        )
    checked: dict[str, Any] = {}
    for name, spec in recipe.params.items():
        if name in params:
            checked[name] = _coerce(name, spec, params[name])
        elif spec.required:
            raise Invalid(
                f"recipe {recipe.name} needs param {name!r} ({spec.help})",
                field=["body", "params", name],
                code="missing_param",
            )
        else:
            checked[name] = spec.default
    return checked
