def test_pairs_are_worked_out_again_for_a_changed_palette(qapp: object) -> None:
    """The pairs are kept per palette; a new scheme must never get the old scheme's."""
    from PySide6.QtGui import QColor, QPalette

    from desktop.ui import colours

    light, dark = QPalette(QColor("#f0f0f0")), QPalette(QColor("#202020"))
    light.setColor(QPalette.ColorRole.Text, QColor("black"))
    light.setColor(QPalette.ColorRole.Base, QColor("white"))
    dark.setColor(QPalette.ColorRole.Text, QColor("white"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#101010"))
    assert colours.text(light) is colours.text(light)  # kept
    assert colours.text(light)[1] == QColor("white")
    assert colours.text(dark)[1] == QColor("#101010")
    changed = QPalette(light)
    changed.setColor(QPalette.ColorRole.Base, QColor("#ffffe0"))
    assert colours.text(changed)[1] == QColor("#ffffe0")  # not the copied palette's pair
    assert colours.text(light)[1] == QColor("white")
