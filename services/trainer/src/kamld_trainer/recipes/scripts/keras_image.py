"""keras-image: images + labels.csv -> a small CNN (Keras 3 on TensorFlow), saved as .keras."""

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import images  # noqa: E402
import kamld_tracking as tracking  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


class Track(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            tracking.log_metric(key, value, step=epoch)


def main():
    params = tracking.params()
    keras.utils.set_random_seed(params["seed"])
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    print(f"training on {'GPU' if tf.config.list_physical_devices('GPU') else 'CPU'}")
    size = params["image_size"]
    x, y, classes = images.load(tracking.inputs().values(), size)
    x_train, y_train, x_test, y_test = images.split(x, y, params["seed"])
    model = keras.Sequential(
        [
            keras.Input((size, size, 3), name="image"),
            keras.layers.Conv2D(8, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(16, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(len(classes), activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(params["lr"]),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(
        x_train,
        y_train,
        epochs=params["epochs"],
        batch_size=params["batch_size"],
        verbose=2,
        callbacks=[Track()],
    )
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    tracking.log_metric("test_accuracy", accuracy, step=params["epochs"])
    print(f"test_accuracy = {accuracy:.4f}")
    out = Path(tracking.output_dir())
    model.save(out / "model.keras")
    (out / "classes.json").write_text(json.dumps(classes) + "\n")
    print("wrote model.keras")


if __name__ == "__main__":
    main()
