"""pytorch-image: images + labels.csv -> a small CNN, saved as a state dict (``model.pt``) and ONNX."""

import json
from pathlib import Path

import images
import kamld_tracking as tracking
import numpy as np
import torch
from torch import nn


class SmallCnn(nn.Module):
    def __init__(self, classes, size):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.head = nn.Linear(16 * (size // 4) * (size // 4), classes)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


def main():
    params = tracking.params()
    torch.manual_seed(params["seed"])
    torch.set_num_threads(1)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    print(f"training on {device}")
    size = params["image_size"]
    x, y, classes = images.load(tracking.inputs().values(), size)
    x_train, y_train, x_test, y_test = images.split(x, y, params["seed"])
    to_tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2)))  # noqa: E731
    model = SmallCnn(len(classes), size).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=params["lr"])
    loss_fn = nn.CrossEntropyLoss()
    inputs, targets = to_tensor(x_train).to(device), torch.from_numpy(y_train).to(device)
    for epoch in range(params["epochs"]):
        model.train()
        order = torch.randperm(len(inputs))
        total = 0.0
        for start in range(0, len(order), params["batch_size"]):
            batch = order[start : start + params["batch_size"]]
            optimizer.zero_grad()
            loss = loss_fn(model(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        tracking.log_metric("loss", total / len(order), step=epoch)
        print(f"epoch {epoch}: loss {total / len(order):.4f}")
    model.eval()
    with torch.no_grad():
        predicted = model(to_tensor(x_test).to(device)).argmax(1).cpu().numpy()
    accuracy = float((predicted == y_test).mean())
    tracking.log_metric("accuracy", accuracy, step=params["epochs"])
    print(f"accuracy = {accuracy:.4f}")
    out = Path(tracking.output_dir())
    model = model.cpu()
    torch.save(model.state_dict(), out / "model.pt")
    example = torch.zeros(1, 3, size, size)
    torch.onnx.export(
        model,
        (example,),
        str(out / "model.onnx"),
        input_names=["image"],
        output_names=["logits"],
        dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
        dynamo=False,
    )
    (out / "classes.json").write_text(json.dumps(classes) + "\n")
    print("wrote model.pt and model.onnx")


if __name__ == "__main__":
    main()
