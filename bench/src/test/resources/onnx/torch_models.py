"""Exports PyTorch models with torch.onnx.export, with inputs and PyTorch's outputs, for OnnxTorchImportTest.

usage: python3 torch_models.py OUT_DIR
Writes, per model NAME: NAME.onnx, NAME.x.bin and NAME.y.bin (float32, little-endian) and NAME.shape
(the input's shape, comma-separated). Seeded: the same files every run.
"""
import sys
import warnings

import numpy as np
import torch
from torch import nn


class LeNet(nn.Module):
    """LeNet-5 with batch norm, a leaky ReLU, average pooling and dropout; flattened with view(size(0), -1)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(6)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool2 = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(400, 120)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool1(torch.relu(self.bn1(self.conv1(x))))
        x = self.pool2(nn.functional.leaky_relu(self.conv2(x), 0.1))
        x = x.view(x.size(0), -1)
        x = self.drop(torch.relu(self.fc1(x)))
        return self.fc3(torch.tanh(self.fc2(x)))


class Residual(nn.Module):
    """Two 3x3 convolutions added to the input, PReLU, global average pooling, softmax."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 3, 3, padding=1)
        self.b = nn.Conv2d(3, 3, 3, padding=1, bias=False)
        self.act = nn.PReLU(3)
        self.fc = nn.Linear(3, 4)

    def forward(self, x):
        y = self.b(torch.relu(self.a(x))) + x
        y = nn.functional.adaptive_avg_pool2d(self.act(y), 1)
        return torch.softmax(self.fc(torch.flatten(y, 1)), dim=1)


class Lstm(nn.Module):
    """Rows of the image as steps: LSTM(32), its last h, a linear layer."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 32, batch_first=True)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        _, (h, _) = self.lstm(x.reshape(x.shape[0], 28, 28))
        return self.fc(h[-1])


class Gru(nn.Module):
    """A GRU returning sequences into a GRU whose last h (squeezed) feeds a linear layer; an RNN (relu) beside it."""

    def __init__(self):
        super().__init__()
        self.gru1 = nn.GRU(28, 16, batch_first=True)
        self.gru2 = nn.GRU(16, 12, batch_first=True)
        self.fc = nn.Linear(12, 10)

    def forward(self, x):
        seq, _ = self.gru1(torch.squeeze(x, 1))
        _, h = self.gru2(seq)
        return self.fc(h.squeeze(0))


class Tokens(nn.Module):
    """Token ids: Embedding, an RNN (relu) returning sequences, then a per-step Linear and an LSTM."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(50, 8)
        self.rnn = nn.RNN(8, 7, nonlinearity="relu", batch_first=True)
        self.step = nn.Linear(7, 6)
        self.lstm = nn.LSTM(6, 5, batch_first=True)
        self.fc = nn.Linear(5, 3)

    def forward(self, ids):
        s, _ = self.rnn(self.emb(ids))
        _, (h, _) = self.lstm(torch.sigmoid(self.step(s)))
        return self.fc(h[0])


class LogProbs(nn.Module):
    """log_softmax over the width of a Conv's output, then over the classes after a Linear (the last op)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, padding=1)
        self.fc = nn.Linear(3 * 6 * 6, 5)

    def forward(self, x):
        y = torch.log_softmax(self.conv(x), dim=-1)
        return torch.log_softmax(self.fc(torch.flatten(y, 1)), dim=1)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 200), nn.Sigmoid(), nn.Linear(200, 10))


MODELS = {
    "lenet": (LeNet, (1, 28, 28), 11),
    "mlp": (mlp, (1, 28, 28), 17),
    "residual": (Residual, (3, 12, 12), 13),
    "lstm": (Lstm, (1, 28, 28), 14),
    "gru": (Gru, (1, 28, 28), 14),
    "tokens": (Tokens, (12,), 14),
    "logprobs": (LogProbs, (2, 6, 6), 17),
}


def main(out):
    # The exporter warns about batch sizes and shape inference for every recurrent model; the test checks the outputs instead.
    warnings.filterwarnings("ignore")
    for name, (make, shape, opset) in MODELS.items():
        torch.manual_seed(1)
        m = make()
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 1.5)
        m.eval()
        if name == "tokens":
            x = torch.randint(0, 50, (3,) + shape)
        else:
            x = torch.rand((3,) + shape)
        with torch.no_grad():
            y = m(x)
        torch.onnx.export(m, x, f"{out}/{name}.onnx", input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=opset)
        x.numpy().astype("<f4").tofile(f"{out}/{name}.x.bin")
        y.numpy().astype("<f4").tofile(f"{out}/{name}.y.bin")
        with open(f"{out}/{name}.shape", "w") as f:
            f.write(",".join(str(d) for d in x.shape))
    print("ok", len(MODELS))


if __name__ == "__main__":
    main(sys.argv[1])
