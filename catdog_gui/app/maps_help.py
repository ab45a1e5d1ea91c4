"""Help ▸ How to read the maps: a short page on the class activation map and Xception's three flows.

The figure is the colour scale in use, drawn by the same function as the legend under the maps, with the
current photo's CAM beside it when one is shown. Sources: Zhou et al., "Learning Deep Features for
Discriminative Localization" (CVPR 2016) for the CAM; Chollet, "Xception" (CVPR 2017), Figure 5, for the flows.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from catdog_gui.app.detail_view import colorbar

__all__ = ["MapsHelp", "PAGE"]

# translated in MapsHelp (QT_TRANSLATE_NOOP only marks it for pyside6-lupdate); {cam_figure} stays as is
PAGE = QT_TRANSLATE_NOOP("MapsHelp", """
<h2>How to read the maps</h2>
<p><img src="figure:scale"><br><small>Colour scale: each map's lowest value on the left, its highest on
the right.</small></p>
{cam_figure}
<h3>Class activation map (CAM)</h3>
<p>The CAM shows <b>where in the photo the model found evidence for a class</b>. Xception ends with 2,048
feature maps; the CAM of a class is their weighted sum, with the weights of that class in the last layer
(Zhou et al., 2016). Bright areas pushed the model towards the class chosen in <i>Class</i>; dark areas did
not. Averaged over the photo, the map plus the class's bias is exactly the class's score.</p>
<p>Each map is scaled on its own, from its minimum to its maximum: compare where the bright spots are,
not how bright two photos' maps are. The map is coarse (about 1/32 of the input size) and drawn smoothed.</p>
<h3>The three flows</h3>
<p>Xception (Chollet, 2017) works in three stages; the tabs show the channels of each stage's output that
are most active on average (<i>Top K</i>), and their mean first.</p>
<ul>
<li><b>Entry flow</b> (728 channels, 1/16 of the input size): edges, colours, textures: fur, whiskers,
the outline of an ear.</li>
<li><b>Middle flow</b> (728 channels, 1/16): the same resolution after eight more blocks: parts and patterns
that start to mean something (an eye, a snout).</li>
<li><b>Exit flow</b> (2,048 channels, 1/32): coarse maps of whole-object features; the CAM is built from
these.</li>
</ul>
<p>A tile's number is that channel's mean activation over the photo; tiles are ordered by it. <i>Over
photo</i> draws the large map on top of the photo.</p>
<p>The maps show what the model looked at, not why it is right: a confident verdict can rest on the
background (a sofa, a lead) as well as on the animal.</p>
""")


class MapsHelp(QDialog):
    """The help page as a dialog.

    Args:
        cmap: colour map of the figure (the one in use).
        cam: the current photo's CAM over the photo (``QImage``), shown as a second figure; optional.
    """

    def __init__(self, cmap: str, cam: QImage | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("How to read the maps"))
        self.browser = QTextBrowser()
        doc = self.browser.document()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("figure:scale"), colorbar(cmap, 360, 16))
        cam_figure = ""
        if cam is not None and not cam.isNull():
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("figure:cam"),
                            cam.scaled(min(360, cam.width()), min(360, cam.height()),  # a tall panorama too
                                       Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
            cam_figure = ('<p><img src="figure:cam"><br><small>' + self.tr(
                "The photo selected now, with the CAM of the class chosen in the CAM tab.") + "</small></p>")
        zoom = "<p>" + self.tr("To look closer, scroll on a picture (or press + and −) to zoom about the pointer, drag it "
                               "(or use the arrow keys) to move, and double-click it (or press F) to fill the pane or "
                               "fit the whole photo again; 0 fits. Save PNG… and Copy always take the whole picture.") \
            + "</p>"
        self.browser.setHtml(self.tr(PAGE).replace("{cam_figure}", cam_figure) + zoom)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(560, 640)
