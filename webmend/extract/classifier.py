"""The block classifier: a small multilayer perceptron in numpy.

Inference is two matrix products per page (blocks x features), so it costs
next to nothing beside parsing. The weights ship in the package as
`block_model.npz` (trained by `benchmarks/train_extractor.py` on the
article-extraction benchmark, with cross-validation; see docs/extraction.md).
Training lives here too so the same code defines the model both ways; it uses
Adam on a weighted log-loss and a fixed seed, so a retrain is reproducible.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_FILE = Path(__file__).with_name("block_model.npz")


@dataclass
class BlockModel:
    mean: np.ndarray
    std: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    threshold: float = 0.5

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row is the page's own text."""
        if len(x) == 0:
            return np.zeros(0)
        h = np.maximum((x - self.mean) / self.std @ self.w1 + self.b1, 0)
        z = h @ self.w2 + self.b2
        return 1 / (1 + np.exp(-np.clip(z[:, 0], -30, 30)))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {prefix + k: getattr(self, k) for k in ("mean", "std", "w1", "b1", "w2", "b2")} | {
            prefix + "threshold": np.array(self.threshold)}

    @classmethod
    def from_arrays(cls, z, prefix: str) -> "BlockModel":
        return cls(*(z[prefix + k] for k in ("mean", "std", "w1", "b1", "w2", "b2")), float(z[prefix + "threshold"]))


@dataclass
class TwoStageModel:
    """Stage one reads each block's own features; stage two reads them again
    with the stage-one probabilities of its neighbours and its containers
    (`block_features.context_features`) and decides."""

    first: BlockModel
    second: BlockModel

    @property
    def threshold(self) -> float:
        return self.second.threshold

    def predict(self, bs, x: np.ndarray) -> np.ndarray:
        from webmend.extract.block_features import context_features

        if len(x) == 0:
            return np.zeros(0)
        p1 = self.first.predict(x)
        return self.second.predict(np.hstack([x, context_features(bs, p1)]))

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **self.first.arrays("s1_"), **self.second.arrays("s2_"))

    @classmethod
    def load(cls, path: Path) -> "TwoStageModel":
        z = np.load(path)
        return cls(BlockModel.from_arrays(z, "s1_"), BlockModel.from_arrays(z, "s2_"))


@functools.lru_cache(maxsize=1)
def default_model() -> TwoStageModel:
    return TwoStageModel.load(MODEL_FILE)


def train(x: np.ndarray, y: np.ndarray, w: np.ndarray, *, hidden: int = 48, epochs: int = 60,
          lr: float = 3e-3, l2: float = 1e-4, batch: int = 256, seed: int = 0) -> BlockModel:
    """Fit the MLP on rows x with targets y in [0, 1] and row weights w."""
    rng = np.random.default_rng(seed)
    mean = x.mean(0)
    std = x.std(0) + 1e-6
    xs = ((x - mean) / std).astype(np.float64)
    d = x.shape[1]
    params = {
        "w1": rng.normal(0, np.sqrt(2 / d), (d, hidden)), "b1": np.zeros(hidden),
        "w2": rng.normal(0, np.sqrt(1 / hidden), (hidden, 1)), "b2": np.zeros(1),
    }
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    w = w / w.mean()
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(xs))
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            xb, yb, wb = xs[idx], y[idx], w[idx]
            h_pre = xb @ params["w1"] + params["b1"]
            h = np.maximum(h_pre, 0)
            z = (h @ params["w2"] + params["b2"])[:, 0]
            p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
            dz = (p - yb) * wb / len(idx)
            grads = {"w2": h.T @ dz[:, None] + l2 * params["w2"], "b2": np.array([dz.sum()])}
            dh = dz[:, None] @ params["w2"].T * (h_pre > 0)
            grads["w1"] = xb.T @ dh + l2 * params["w1"]
            grads["b1"] = dh.sum(0)
            step += 1
            for k in params:
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                params[k] -= lr * mh / (np.sqrt(vh) + 1e-8)
    f32 = lambda a: a.astype(np.float32)  # noqa: E731
    return BlockModel(f32(mean), f32(std), f32(params["w1"]), f32(params["b1"]), f32(params["w2"]),
                      f32(params["b2"]))
