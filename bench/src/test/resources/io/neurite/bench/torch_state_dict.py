"""PyTorch's side of TorchStateDictTest: python3 torch_state_dict.py DIR NAME...

For each NAME (mlp, lenet, lstm, extra) it builds the PyTorch module equivalent to Neurite's model,
then (1) loads DIR/NAME.neurite.safetensors, which Neurite's StateDict.save wrote, with a plain
load_state_dict (strict) and writes its outputs on DIR/NAME.x.json to DIR/NAME.from_neurite.json;
(2) trains a fresh module a few SGD steps, saves its state_dict to DIR/NAME.torch.safetensors and
its outputs on the same inputs to DIR/NAME.torch_out.json, for Neurite to import and compare.
"""
import json, struct, sys
import torch
import torch.nn as nn

try:
    from safetensors.torch import load_file, save_file
except ImportError:  # The format is simple enough to read and write here (Debian has no python3-safetensors).
    DTYPES = {"F32": torch.float32, "I64": torch.int64}

    def load_file(path):
        raw = open(path, "rb").read()
        n = struct.unpack("<Q", raw[:8])[0]
        head = json.loads(raw[8:8 + n])
        head.pop("__metadata__", None)
        out = {}
        for name, e in head.items():
            b, end = e["data_offsets"]
            out[name] = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + end]), dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        return out

    def save_file(tensors, path):
        names = {torch.float32: "F32", torch.int64: "I64"}
        head, blobs, at = {}, [], 0
        for name, t in tensors.items():
            b = t.detach().contiguous().cpu().numpy().tobytes()
            head[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(b)]}
            blobs.append(b)
            at += len(b)
        h = json.dumps(head).encode()
        h += b" " * (-len(h) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class Rows(nn.Module):
    """Neurite's Reshape(28, 28): [N, 1, 28, 28] to 28 rows of 28 features."""
    def forward(self, x):
        return x.reshape(x.shape[0], 28, 28)


class LastH(nn.LSTM):
    """nn.LSTM(batch_first=True) as one module of a Sequential: the last step's h (Neurite's default)."""
    def forward(self, x):
        return super().forward(x)[0][:, -1]


class Extra(nn.Module):
    """A functional Neurite model, named by layer: conv, bn, prelu, (flatten, reshape), gru, rnn, out."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4, eps=1e-3, momentum=0.01)
        self.prelu = nn.PReLU(4)
        self.gru = nn.GRU(16, 8, batch_first=True)
        self.rnn = nn.RNN(8, 6, batch_first=True)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        h = self.prelu(self.bn(self.conv(x))).flatten(1).reshape(-1, 16, 16)
        h = self.gru(h)[0]
        return self.out(self.rnn(h)[0][:, -1])


def build(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 200), nn.Sigmoid(), nn.Linear(200, 10))
    if name == "lenet":
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                             nn.Linear(84, 10))
    if name == "lstm":
        return nn.Sequential(Rows(), LastH(28, 128, batch_first=True), nn.Linear(128, 10))
    if name == "extra":
        return Extra()
    raise SystemExit("unknown model " + name)


def outputs(model, x):
    model.eval()
    with torch.no_grad():
        return model(x).flatten().tolist()


def main(d, names):
    torch.manual_seed(7)
    for name in names:
        spec = json.load(open(f"{d}/{name}.x.json"))
        x = torch.tensor(spec["values"], dtype=torch.float32).reshape(spec["shape"])
        m = build(name)
        m.load_state_dict(load_file(f"{d}/{name}.neurite.safetensors"))  # strict: every name and shape must match
        json.dump(outputs(m, x), open(f"{d}/{name}.from_neurite.json", "w"))
        t = build(name)
        opt = torch.optim.SGD(t.parameters(), lr=0.05)
        t.train()
        for _ in range(3):
            opt.zero_grad()
            t(torch.randn_like(x)).square().mean().backward()
            opt.step()
        save_file(t.state_dict(), f"{d}/{name}.torch.safetensors")
        json.dump(outputs(t, x), open(f"{d}/{name}.torch_out.json", "w"))
    print("ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
