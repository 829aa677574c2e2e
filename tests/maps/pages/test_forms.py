"""Form fields for the side panels: caption, control named as the API names the property, and
an error slot the page's script fills with the server's refusal of exactly that field."""

from __future__ import annotations

from maps.pages.forms import field, options, select


def test_a_field_is_a_label_with_caption_control_and_error_slot() -> None:
    assert field("plate", "Госномер", attrs='maxlength="12"') == (
        '<label class="gd-field" data-field="plate"><span data-caption>Госномер</span>'
        '<input name="plate" type="text" maxlength="12">'
        '<small class="gd-field-error" data-error></small></label>')


def test_a_wide_textarea() -> None:
    assert field("text", "Текст", kind="textarea", wide=True) == (
        '<label class="gd-field gd-wide" data-field="text"><span data-caption>Текст</span>'
        '<textarea name="text" rows="3" ></textarea>'
        '<small class="gd-field-error" data-error></small></label>')


def test_a_select_marks_the_selected_option_only() -> None:
    html = select("kind", "Вид", [("plow", "плуг"), ("sander", "пескоразбрасыватель")],
                  selected="sander")
    assert html == (
        '<label class="gd-field" data-field="kind"><span data-caption>Вид</span>'
        '<select name="kind" ><option value="plow">плуг</option>'
        '<option value="sander" selected>пескоразбрасыватель</option></select>'
        '<small class="gd-field-error" data-error></small></label>')


def test_text_is_escaped_everywhere() -> None:
    assert options([('a"b', "<b>&</b>")]) == (
        '<option value="a&quot;b">&lt;b&gt;&amp;&lt;/b&gt;</option>')
    html = field('x"y', "<Подпись>")
    assert 'data-field="x&quot;y"' in html and 'name="x&quot;y"' in html
    assert "<span data-caption>&lt;Подпись&gt;</span>" in html
