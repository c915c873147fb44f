package gen

// dialect is where a schema is written: a JSON Schema 2020-12 document, whose
// definitions are under $defs, or an OpenAPI 3.0 document, whose are components.
type dialect struct {
	openAPI bool
	refBase string
}

var (
	jsonSchema = dialect{refBase: "#/$defs/"}
	openAPI    = dialect{openAPI: true, refBase: "#/components/schemas/"}
)

// schemaOf writes n in the dialect.
func (d dialect) schemaOf(n *node) obj {
	o := obj{}
	if n.Ref != "" {
		ref := obj{{"$ref", d.refBase + n.Ref}}
		switch {
		case n.Nullable && d.openAPI:
			o.set("allOf", []any{ref})
			o.set("nullable", true)
		case n.Nullable:
			o.set("anyOf", []any{ref, obj{{"type", "null"}}})
		case n.Desc != "" && d.openAPI:
			// OpenAPI 3.0 ignores the siblings of a $ref.
			o.set("allOf", []any{ref})
		default:
			o = ref
		}
		if n.Desc != "" {
			o.set("description", n.Desc)
		}
		return o
	}
	if len(n.AnyOf) > 0 {
		var alts []any
		for _, a := range n.AnyOf {
			alts = append(alts, d.schemaOf(a))
		}
		o.set("anyOf", alts)
	}
	if n.Type != "" {
		switch {
		case n.Nullable && d.openAPI:
			o.set("type", n.Type)
			o.set("nullable", true)
		case n.Nullable:
			o.set("type", []any{n.Type, "null"})
		default:
			o.set("type", n.Type)
		}
	}
	if n.Desc != "" {
		o.set("description", n.Desc)
	}
	if n.Const != nil {
		if d.openAPI {
			o.set("enum", []any{n.Const})
		} else {
			o.set("const", n.Const)
		}
	}
	if len(n.Enum) > 0 {
		vals := make([]any, len(n.Enum))
		for i, e := range n.Enum {
			vals[i] = e
		}
		o.set("enum", vals)
	}
	if n.Format != "" {
		o.set("format", n.Format)
	}
	if n.Pattern != "" {
		o.set("pattern", n.Pattern)
	}
	if n.MaxLength > 0 {
		o.set("maxLength", n.MaxLength)
	}
	if n.Items != nil {
		o.set("items", d.schemaOf(n.Items))
	}
	if n.MinItems > 0 {
		o.set("minItems", n.MinItems)
	}
	if n.MaxItems > 0 {
		o.set("maxItems", n.MaxItems)
	}
	if n.Values != nil {
		o.set("additionalProperties", d.schemaOf(n.Values))
	} else if n.Type == "object" {
		props := obj{}
		for _, p := range n.Props {
			props = append(props, member{p.Name, d.schemaOf(p.Node)})
		}
		o.set("properties", props)
		if len(n.Required) > 0 {
			req := make([]any, len(n.Required))
			for i, r := range n.Required {
				req[i] = r
			}
			o.set("required", req)
		}
		o.set("additionalProperties", false)
	}
	if n.GoType != "" {
		o.set("x-go-type", n.GoType)
	}
	return o
}
