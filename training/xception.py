"""Xception, as in Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions" (CVPR 2017).

The network of Figure 5 of the paper, read from small to large: :class:`SeparableConv2d`, :class:`Block`,
:class:`Xception`, then the builder :func:`xception`.

Parameter names follow timm's ``legacy_xception`` (``conv1``, ``bn1``, ..., ``block1.rep.0.conv1``,
``block1.skip``, ..., ``conv4.pointwise``, ``bn4``, ``fc``), so that its ``state_dict`` loads into this
model by name; ``tests/test_xception.py`` proves both give the same logits.

Flows (paper, Figure 5):

* entry flow: ``conv1``-``bn1``-ReLU, ``conv2``-``bn2``-ReLU, ``block1`` (64->128), ``block2`` (128->256),
  ``block3`` (256->728); output ``[N, 728, h16, w16]`` (19x19 at 299x299);
* middle flow: ``block4`` ... ``block11`` (728->728, three separable convolutions each, identity
  shortcut); output ``[N, 728, h16, w16]``;
* exit flow: ``block12`` (728->1024), ``conv3`` (1536)-``bn3``-ReLU, ``conv4`` (2048)-``bn4``-ReLU; output
  ``[N, 2048, h32, w32]`` (10x10 at 299x299), then global average pooling, dropout and ``fc``.

36 convolutional layers in 14 modules; 22,855,952 trainable parameters for 1,000 classes.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["SeparableConv2d", "Block", "Xception", "FlowOutputs", "xception"]


class SeparableConv2d(nn.Module):
    """Depthwise ``kernel_size`` convolution (one filter per channel) then pointwise 1x1, both without bias.

    There is no non-linearity between the two (paper, section 4.7: it trains faster and better without).

    Args:
        in_channels: input channels C_in.
        out_channels: output channels C_out.
        kernel_size, stride, padding: of the depthwise convolution.

    Shapes: ``[N, C_in, H, W] -> [N, C_out, H', W']`` (float32 or bfloat16).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 padding: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, in_channels, kernel_size, stride, padding,
                               groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.conv1(x))


class Block(nn.Module):
    """One Xception module: ``reps`` times (ReLU, SeparableConv2d 3x3, BN), optional max-pool, shortcut.

    The shortcut is the identity when the shape is kept, else a strided 1x1 convolution + BN.

    Args:
        in_channels, out_channels: channels in and out.
        reps: number of separable convolutions (2 in entry/exit flow, 3 in the middle flow).
        stride: 1, or 2 to end with a 3x3/2 max-pool (padding 1) and use a strided shortcut.
        start_with_relu: False only for the first entry-flow block, which follows a ReLU already.
        grow_first: widen at the first separable convolution (True) or at the last (exit flow).

    Shapes: ``[N, in_channels, H, W] -> [N, out_channels, ceil(H / stride), ceil(W / stride)]``.
    """

    def __init__(self, in_channels: int, out_channels: int, reps: int, stride: int = 1,
                 start_with_relu: bool = True, grow_first: bool = True) -> None:
        super().__init__()
        if out_channels != in_channels or stride != 1:
            self.skip = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)
            self.skipbn = nn.BatchNorm2d(out_channels)
        else:
            self.skip = None
            self.skipbn = None

        layers: list[nn.Module] = []
        for i in range(reps):
            if grow_first:
                inc, outc = (in_channels if i == 0 else out_channels), out_channels
            else:
                inc, outc = in_channels, (in_channels if i < reps - 1 else out_channels)
            # The first ReLU must not work in place: its input also feeds the shortcut.
            layers.append(nn.ReLU(inplace=i > 0))
            layers.append(SeparableConv2d(inc, outc, 3, stride=1, padding=1))
            layers.append(nn.BatchNorm2d(outc))
        if not start_with_relu:
            layers = layers[1:]
        if stride != 1:
            layers.append(nn.MaxPool2d(3, stride, 1))
        self.rep = nn.Sequential(*layers)

    def forward(self, inp: torch.Tensor) -> torch.Tensor:
        x = self.rep(inp)
        skip = inp if self.skip is None else self.skipbn(self.skip(inp))
        # In place, as timm's legacy_xception does: x is this block's own fresh tensor (the output of BN or of
        # the max-pool, whose backward passes need neither their output nor the sum's), and one allocation of
        # the block's output size less per block made the training step about 10% faster on the CPU
        # (benchmarks/train_step.py).
        x += skip
        return x


class FlowOutputs(NamedTuple):
    """What :meth:`Xception.forward_flows` returns (float32 or bfloat16 tensors).

    entry_flow: ``[N, 728, h16, w16]``; middle_flow: ``[N, 728, h16, w16]``;
    exit_flow: ``[N, 2048, h32, w32]`` (after the last ReLU, before pooling); logits: ``[N, num_classes]``.
    At 299x299, h16 = w16 = 19 and h32 = w32 = 10.
    """

    entry_flow: torch.Tensor
    middle_flow: torch.Tensor
    exit_flow: torch.Tensor
    logits: torch.Tensor


class Xception(nn.Module):
    """Xception (Chollet 2017, Figure 5) for ``num_classes`` classes.

    Args:
        num_classes: size of the classifier output (2 for cat/dog).
        in_chans: input channels (3 for RGB).
        drop_rate: dropout probability before ``fc`` (0 disables it; active only in training mode).

    ``forward(x)``: ``[N, in_chans, H, W] float32 -> [N, num_classes]`` logits. H and W must be at least
    about 71 pixels (the two unpadded stem convolutions and five stride-2 stages).
    """

    def __init__(self, num_classes: int = 2, in_chans: int = 3, drop_rate: float = 0.0) -> None:
        super().__init__()
        if num_classes < 1:
            raise ValueError(f"num_classes must be >= 1, got {num_classes!r}")
        if not 0.0 <= drop_rate < 1.0:
            raise ValueError(f"drop_rate must be in [0, 1), got {drop_rate!r}")
        self.num_classes = num_classes
        self.drop_rate = drop_rate
        self.num_features = 2048

        # Entry flow.
        self.conv1 = nn.Conv2d(in_chans, 32, 3, 2, 0, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.act1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(32, 64, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.act2 = nn.ReLU(inplace=True)
        self.block1 = Block(64, 128, 2, 2, start_with_relu=False)
        self.block2 = Block(128, 256, 2, 2)
        self.block3 = Block(256, 728, 2, 2)
        # Middle flow: eight identical blocks.
        for i in range(4, 12):
            setattr(self, f"block{i}", Block(728, 728, 3, 1))
        # Exit flow.
        self.block12 = Block(728, 1024, 2, 2, grow_first=False)
        self.conv3 = SeparableConv2d(1024, 1536, 3, 1, 1)
        self.bn3 = nn.BatchNorm2d(1536)
        self.act3 = nn.ReLU(inplace=True)
        self.conv4 = SeparableConv2d(1536, 2048, 3, 1, 1)
        self.bn4 = nn.BatchNorm2d(2048)
        self.act4 = nn.ReLU(inplace=True)
        # Classifier.
        self.fc = nn.Linear(self.num_features, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward_entry_flow(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 3, H, W] -> [N, 728, h16, w16]`` (19x19 at 299x299)."""
        x = self.act1(self.bn1(self.conv1(x)))
        x = self.act2(self.bn2(self.conv2(x)))
        return self.block3(self.block2(self.block1(x)))

    def forward_middle_flow(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 728, h16, w16] -> [N, 728, h16, w16]`` through ``block4`` ... ``block11``."""
        for i in range(4, 12):
            x = getattr(self, f"block{i}")(x)
        return x

    def forward_exit_flow(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 728, h16, w16] -> [N, 2048, h32, w32]`` (10x10 at 299x299), after the last ReLU."""
        x = self.block12(x)
        x = self.act3(self.bn3(self.conv3(x)))
        return self.act4(self.bn4(self.conv4(x)))

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """``[N, 3, H, W] -> [N, 2048, h32, w32]``: the unpooled exit-flow map."""
        return self.forward_exit_flow(self.forward_middle_flow(self.forward_entry_flow(x)))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        """``[N, 2048, h, w] -> [N, num_classes]`` logits (or ``[N, 2048]`` pooled features)."""
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        if self.drop_rate > 0.0:
            x = F.dropout(x, p=self.drop_rate, training=self.training)
        return x if pre_logits else self.fc(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))

    def forward_flows(self, x: torch.Tensor) -> FlowOutputs:
        """Entry, middle and exit flow outputs and the logits, in one pass.

        Args:
            x: ``[N, 3, H, W]`` float32, normalised RGB.

        Returns:
            :class:`FlowOutputs` with ``[N, 728, h16, w16]``, ``[N, 728, h16, w16]``,
            ``[N, 2048, h32, w32]`` and ``[N, num_classes]``.
        """
        entry = self.forward_entry_flow(x)
        middle = self.forward_middle_flow(entry)
        exit_ = self.forward_exit_flow(middle)
        return FlowOutputs(entry, middle, exit_, self.forward_head(exit_))


def xception(num_classes: int = 2, **kwargs) -> Xception:
    """Build an :class:`Xception` with random weights (nothing is ever downloaded)."""
    return Xception(num_classes=num_classes, **kwargs)
