import io

import segno


def qr_svg(text: str, scale: int = 6) -> str:
    """A QR code as SVG text, dark on white, with a quiet zone so phones read it from a screen."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(
        buffer, kind="svg", scale=scale, border=4, dark="#111827", light="#ffffff", xmldecl=False
    )
    return buffer.getvalue().decode()
