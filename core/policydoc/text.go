package policydoc

import (
	"strings"

	"golang.org/x/text/width"
)

// Text lays the document out as plain text for a terminal or a text file: the title,
// its facts, each article with its numbered paragraphs, tables in aligned columns
// (Chinese characters count two columns), and the author's notes at the end.
func (d *Document) Text() string {
	var sb strings.Builder
	sb.WriteString(d.Title + "\n")
	for _, f := range d.Facts {
		sb.WriteString("  " + f + "\n")
	}
	for _, a := range d.Articles {
		sb.WriteString("\n" + a.Heading() + "\n")
		for _, it := range a.Items {
			sb.WriteString("  " + it.Label + it.Text + "\n")
			if it.Table != nil {
				writeTable(&sb, it.Table, "      ")
			}
		}
	}
	if len(d.Notes) > 0 {
		sb.WriteString("\n" + say(d.Lang, "编制说明", "Notes on the settings") + "\n")
		for i, n := range d.Notes {
			sb.WriteString("  " + itoa(i+1) + ". " + n + "\n")
		}
	}
	return sb.String()
}

// columns is the width of s on a terminal: East Asian wide and full-width characters
// take two columns.
func columns(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func writeTable(sb *strings.Builder, t *Table, indent string) {
	widths := make([]int, len(t.Head))
	for _, row := range append([][]string{t.Head}, t.Rows...) {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], columns(c))
			}
		}
	}
	line := func(row []string) {
		var parts []string
		for i, c := range row {
			if i == len(row)-1 {
				parts = append(parts, c)
				break
			}
			parts = append(parts, c+strings.Repeat(" ", widths[i]-columns(c)))
		}
		sb.WriteString(strings.TrimRight(indent+strings.Join(parts, "  "), " ") + "\n")
	}
	line(t.Head)
	for _, row := range t.Rows {
		line(row)
	}
}
