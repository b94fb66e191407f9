"""Helpers for the browser tests: page sizes, light and dark, axe-core, overflow, screenshots."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from tests.browser.conftest import AXE, SCREENSHOTS, WCAG_TAGS

PHONE_HEIGHT, DESKTOP_HEIGHT = 844, 900


def y4m_from_image(image_path: Path, out: Path, frames: int = 4) -> None:
    """A still photo as a short YUV4MPEG2 (4:2:0) video: what chromium's fake camera plays, looping."""
    image = Image.open(image_path).convert("RGB")
    width, height = image.size[0] // 2 * 2, image.size[1] // 2 * 2
    y, cb, cr = image.crop((0, 0, width, height)).convert("YCbCr").split()
    half = (width // 2, height // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    out.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)


def set_size(driver, width: int) -> None:
    """The viewport a phone (below 500 px, touch, its meta viewport honoured) or a desktop has."""
    mobile = width < 500
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": PHONE_HEIGHT if mobile else DESKTOP_HEIGHT,
        "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile,
    })


def set_theme(driver, theme: str) -> None:
    """The system's light or dark preference (the reader's own toggle is forgotten)."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": theme}]})
    driver.execute_script("try { localStorage.removeItem('booklib.theme'); } catch (e) {}"
                          "document.documentElement.removeAttribute('data-theme');")


def axe_violations(driver) -> list[str]:
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.passes.length ? r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' -> '"
        " + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | ')) : ['axe checked nothing']))"
        ".catch(e => done(['axe failed: ' + e]));",
        WCAG_TAGS,
    )
    return result


def overflow(driver) -> str | None:
    """Whether the page is wider than the viewport, and what sticks out."""
    return driver.execute_script("""
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return null;
        const out = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
        return 'page ' + document.documentElement.scrollWidth + 'px wide in ' + width + 'px: ' + out.join(', ');
    """)


def screenshot(driver, name: str) -> Path:
    """The whole page, as tall as it is."""
    import base64

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
    })
    path = SCREENSHOTS / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path
