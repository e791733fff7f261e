package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/yardstick-open/yardstick/schemas"
)

// object is a JSON object of the OpenAPI document.
type object = map[string]any

// schemaNames name the component schema of each table a route answers
// rows of, or a view holds.
var schemaNames = map[string]string{
	"metrics": "Metric", "period_links": "Period", "councils": "Council", "providers": "Provider",
	"comparisons": "Comparison", "releases": "ReleaseSummary", "benchmarks": "Benchmark",
	"funnel_limits": "FunnelLimit", "provider_profile": "ProviderProfile",
	"similar_council": "SimilarCouncil", "council_provider": "CouncilProvider",
}

// similarLists describes a council view's similar councils.
const similarLists = "The council's similar councils, a list for each responsibility it holds (social_care, " +
	"waste_collection, any), by responsibility and then rank."

// viewTables describe the rows of views that are not public tables.
var viewTables = []schemas.Table{
	{Name: "similar_council", Description: "One of a council's similar councils for a responsibility.", Columns: []schemas.Column{
		{Name: "responsibility", Type: schemas.TypeString,
			Description: "The responsibility whose list this council is in, which it holds: social_care, waste_collection, or " +
				"any for services that need neither. The council's comparison rows are compared with the list for the " +
				"responsibility their service needs."},
		{Name: "similar_code", Type: schemas.TypeString, Description: "The similar council's GSS code."},
		{Name: "name", Type: schemas.TypeString, Description: "Its name."},
		{Name: "rank", Type: schemas.TypeInteger, Description: "1 for the most similar in the responsibility's list."},
		{Name: "distance", Type: schemas.TypeNumber, Description: "Distance on the standardised measures; blank for a published group."},
		{Name: "method", Type: schemas.TypeString, Description: "How the similar councils were chosen."},
	}},
	{Name: "council_provider", Description: "A provider a council commissions for a service.", Columns: []schemas.Column{
		{Name: "service", Type: schemas.TypeString, Description: "The service."},
		{Name: "provider_id", Type: schemas.TypeString, Description: "The provider's id."},
		{Name: "provider_name", Type: schemas.TypeString, Description: "The provider's name."},
		{Name: "sector", Type: schemas.TypeString, Description: "The provider's sector."},
		{Name: "n_rows", Type: schemas.TypeInteger, Description: "The council's observations of the provider for the service."},
	}},
}

// columnSchema returns the JSON Schema of a column's values as the API
// writes them: blank numbers and dates are null, blank text is "".
func columnSchema(c schemas.Column) object {
	var s object
	switch c.Type {
	case schemas.TypeInteger:
		s = object{"type": []string{"integer", "null"}}
	case schemas.TypeNumber:
		s = object{"type": []string{"number", "null"}}
	case schemas.TypeBoolean:
		s = object{"type": "boolean"}
	case schemas.TypeDate:
		s = object{"type": []string{"string", "null"}, "format": "date"}
	case schemas.TypeDatetime:
		s = object{"type": []string{"string", "null"}, "format": "date-time"}
	case schemas.TypeList:
		s = object{"type": []string{"array", "null"}, "items": object{"type": "string"}}
	default:
		s = object{"type": "string"}
	}
	desc := c.Description
	if len(c.Categories) > 0 {
		var vals []string
		for _, cat := range c.Categories {
			vals = append(vals, fmt.Sprintf("%s (%s)", cat.Value, cat.Label))
		}
		desc = strings.TrimSpace(desc + " One of: " + strings.Join(vals, "; ") + ".")
	}
	if c.Unit != "" {
		desc = strings.TrimSpace(desc + " Unit: " + c.Unit + ".")
	}
	if desc != "" {
		s["description"] = desc
	}
	return s
}

// tableSchema returns the JSON Schema of a row of t.
func tableSchema(t schemas.Table) object {
	props := object{}
	for _, c := range t.Columns {
		props[c.Name] = columnSchema(c)
	}
	s := object{"type": "object", "properties": props}
	if t.Description != "" {
		s["description"] = t.Description
	}
	return s
}

func ref(name string) object { return object{"$ref": "#/components/schemas/" + name} }

func arrayOf(s object) object { return object{"type": "array", "items": s} }

// describe returns s with a description.
func describe(s object, desc string) object {
	out := object{"description": desc}
	for k, v := range s {
		out[k] = v
	}
	return out
}

func str(desc string) object { return object{"type": "string", "description": desc} }

func nullable(typ, desc string) object {
	return object{"type": []string{typ, "null"}, "description": desc}
}

// componentSchemas returns every schema the document names.
func componentSchemas() object {
	out := object{}
	for name, schema := range schemaNames {
		t, ok := schemas.PublicTable(name)
		switch {
		case ok:
		case name == "releases":
			t = releasesTable
		default:
			i := slices.IndexFunc(viewTables, func(v schemas.Table) bool { return v.Name == name })
			t = viewTables[i]
		}
		out[schema] = tableSchema(t)
	}
	out["MetricView"] = object{"type": "object", "description": "A metric, its benchmarks and a period's funnel-plot limits.",
		"properties": object{
			"metric":        ref("Metric"),
			"benchmarks":    arrayOf(ref("Benchmark")),
			"period":        str("The period funnel_limits are for; absent when none was asked for."),
			"funnel_limits": arrayOf(ref("FunnelLimit")),
		}}
	first := fmt.Sprintf("The first %d comparison rows, in observation-key order.", schemas.ViewComparisons)
	out["CouncilView"] = object{"type": "object", "description": "A council, its similar councils, its providers and its first comparison rows.",
		"properties": object{
			"council":           ref("Council"),
			"similar_councils":  describe(arrayOf(ref("SimilarCouncil")), similarLists),
			"providers":         arrayOf(ref("CouncilProvider")),
			"comparisons":       describe(arrayOf(ref("Comparison")), first),
			"comparisons_total": describe(object{"type": "integer"}, "How many comparison rows the council has; "+Prefix+"/comparisons?council={code} pages through them all."),
		}}
	out["ProviderView"] = object{"type": "object", "description": "A provider, its profile pooled across councils, and its first comparison rows.",
		"properties": object{
			"provider":          ref("Provider"),
			"profile":           arrayOf(ref("ProviderProfile")),
			"comparisons":       describe(arrayOf(ref("Comparison")), first),
			"comparisons_total": describe(object{"type": "integer"}, "How many comparison rows the provider has, in every council; "+Prefix+"/comparisons?provider={id} pages through them all."),
		}}
	figure := object{"type": "object", "properties": object{
		"value":       nullable("number", "The value; null when withheld."),
		"numerator":   nullable("integer", "The numerator, when published."),
		"denominator": nullable("integer", "The denominator, when published."),
		"status":      str("The value marker: blank, c, x, z, p or r."),
	}}
	key := object{
		"metric": str("Metric id."), "period": str("Period id."), "council_code": str("Council GSS code."),
		"provider_id": str("Provider id; blank for a council-wide figure."), "service": str("Service."),
	}
	with := func(extra object) object {
		props := object{}
		for k, v := range key {
			props[k] = v
		}
		for k, v := range extra {
			props[k] = v
		}
		return object{"type": "object", "properties": props}
	}
	countProps := object{}
	for _, name := range []string{"observations", "comparisons", "metrics", "councils", "providers", "periods", "submissions",
		"revised", "added", "withdrawn", "now_withheld", "now_shown"} {
		countProps[name] = object{"type": "integer"}
	}
	out["Release"] = object{"type": "object", "description": "A release's record, as its release.json holds it.",
		"properties": object{
			"id":                      str("Release id."),
			"created":                 object{"type": "string", "format": "date-time"},
			"previous":                str("The release before it; absent for the first."),
			"submissions":             arrayOf(object{"type": "string"}),
			"superseded":              arrayOf(object{"type": "string"}),
			"periods":                 arrayOf(object{"type": "string"}),
			"similar_councils_method": str("How similar councils were chosen."),
			"counts":                  object{"type": "object", "properties": countProps},
			"revisions":               arrayOf(with(object{"old": figure, "new": figure})),
			"withdrawals":             arrayOf(with(object{"old": figure})),
			"provider_register": object{"type": "object", "description": "The provider register the release named providers from.",
				"properties": object{
					"status":    object{"type": "string", "enum": []string{schemas.RegisterUsed, schemas.RegisterNone}},
					"sha256":    str("SHA-256 of the register file as the release read it; absent when there was none."),
					"providers": object{"type": "integer"},
					"imports": arrayOf(object{"type": "object", "properties": object{
						"id":    str("The register import (providers/imports/<id>/ in the data folder)."),
						"as_at": object{"type": "string", "format": "date", "description": "The day the regulator's register described."},
					}}),
				}},
		}}
	out["Receipt"] = object{"type": "object", "description": "What became of a submitted return.",
		"properties": object{
			"submission_id": str("The submission's id."),
			"council_code":  str("The council the return is for."),
			"status":        object{"type": "string", "enum": []string{"accepted", "rejected"}},
			"duplicate_of":  str("The earlier submission of the same bytes, when this is one."),
			"report":        object{"type": "object", "description": "Ingest's report: every problem with its line, column, field, code, message and hint."},
			"location":      str("Where the submission's status can be read."),
		}}
	out["Links"] = object{"type": "object", "description": "The page's neighbours, as URLs relative to the server; also sent as a Link header.",
		"properties": object{"self": str(""), "first": str(""), "prev": str("Absent on the first page."),
			"next": str("Absent on the last page."), "last": str("")}}
	out["Problem"] = object{"type": "object", "description": "An error (RFC 9457 problem details).",
		"properties": object{
			"type": str("about:blank"), "title": str("The HTTP status's text."), "status": object{"type": "integer"},
			"detail": str("What went wrong and how to put it right."), "instance": str("The request's path and query."),
			"code": object{"type": "string", "enum": []string{schemas.ENOTFOUND, schemas.EINVALID, schemas.ECONFLICT,
				schemas.EUNAUTHORIZED, schemas.EFORBIDDEN, schemas.ETOOLARGE, schemas.ETOOMANY, schemas.EUNAVAILABLE, schemas.EINTERNAL}},
			"request_id": str("Quote it when asking about a failure."),
			"report":     object{"type": "object", "description": "A rejected return's report."},
		}}
	return out
}

// problemResponse documents an error answer.
func problemResponse(desc string) object {
	return object{"description": desc, "content": object{"application/problem+json": object{"schema": ref("Problem")}}}
}

// openAPI returns the OpenAPI 3.1 document of the server's routes.
func (s *Server) openAPI() object {
	paths := object{}
	tags := map[string]bool{}
	for _, rt := range s.routes {
		tags[rt.Tag] = true
		op := object{"operationId": rt.Name, "summary": rt.Summary, "tags": []string{rt.Tag}}
		if rt.Description != "" {
			op["description"] = rt.Description
		}
		var params []object
		for _, p := range rt.params() {
			schema := object{"type": p.Type}
			if p.Enum != nil {
				schema["enum"] = p.Enum
			}
			if p.Type == "integer" {
				schema["minimum"] = 1
				schema["maximum"] = maxInteger
			}
			if p.Type == "string" {
				schema["maxLength"] = MaxParam
			}
			params = append(params, object{"name": p.Name, "in": p.In, "required": p.In == "path",
				"description": p.Description, "schema": schema})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		responses := object{
			"400": problemResponse("A parameter is unknown, repeated, too long or out of range."),
			"429": problemResponse("Too many requests from this client; retry after the seconds in Retry-After."),
		}
		switch {
		case rt.List != nil:
			name := schemaNames[rt.List.Name]
			body := object{"type": "object", "properties": object{
				"items": arrayOf(ref(name)), "total": object{"type": "integer", "description": "Rows matched, on every page."},
				"page": object{"type": "integer"}, "page_size": object{"type": "integer"}, "links": ref("Links"),
			}}
			responses["200"] = object{"description": "A page of rows; format=csv gives the same rows as CSV.",
				"headers": object{"ETag": object{"description": "The release id.", "schema": object{"type": "string"}},
					"Link": object{"description": "RFC 8288 links to the first, previous, next and last pages.", "schema": object{"type": "string"}}},
				"content": object{"application/json": object{"schema": body},
					"text/csv": object{"schema": object{"type": "string", "description": "The rows with the columns of " + rt.List.Name + "."}}}}
			responses["304"] = object{"description": "Not modified: the release is the one named by If-None-Match."}
			responses["503"] = problemResponse("No release is published yet, or the request took too long.")
			if rt.pathParam() {
				// A list of one resource's rows: the resource may be missing.
				responses["404"] = problemResponse("Not in the release.")
			}
		case rt.Method == http.MethodPost:
			responses["202"] = object{"description": "Accepted.", "content": object{"application/json": object{"schema": ref(rt.Body)}}}
			responses["401"] = problemResponse("No valid token.")
			responses["403"] = object{"description": "The return holds rows for a council other than the token's; nothing was added.",
				"content": object{"application/json": object{"schema": ref(rt.Body)}}}
			responses["413"] = problemResponse("The body is too large.")
			responses["422"] = object{"description": "Rejected: the report lists every problem; nothing was added.",
				"content": object{"application/json": object{"schema": ref(rt.Body)}}}
			op["security"] = []object{{"bearer": []string{}}}
			op["requestBody"] = object{"required": true,
				"description": "The return, as yardstick ingest takes it; Content-Disposition may name the file.",
				"content":     object{"text/csv": object{"schema": object{"type": "string", "maxLength": s.cfg.MaxBody}}}}
		case rt.Tag == "returns":
			responses["200"] = object{"description": "The submission.", "content": object{"application/json": object{"schema": ref(rt.Body)}}}
			responses["401"] = problemResponse("No valid token.")
			responses["404"] = problemResponse("No such submission for the token's council.")
			op["security"] = []object{{"bearer": []string{}}}
		case rt.Body == "OpenAPI":
			responses["200"] = object{"description": "This document.", "content": object{"application/json": object{"schema": object{"type": "object"}}}}
		default:
			responses["200"] = object{"description": "Found.", "content": object{"application/json": object{"schema": ref(rt.Body)}}}
			responses["304"] = object{"description": "Not modified: the release is the one named by If-None-Match."}
			responses["404"] = problemResponse("Not in the release.")
			responses["503"] = problemResponse("No release is published yet, or the request took too long.")
		}
		if op["security"] == nil {
			op["security"] = []object{}
		}
		op["responses"] = responses
		item, _ := paths[rt.Path].(object)
		if item == nil {
			item = object{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	var tagList []object
	for _, t := range []string{"metrics", "periods", "councils", "providers", "comparisons", "releases", "returns", "meta"} {
		if tags[t] {
			tagList = append(tagList, object{"name": t, "description": tagDescriptions[t]})
		}
	}
	return object{
		"openapi": "3.1.0",
		"info": object{
			"title":   "Yardstick API",
			"version": "1",
			"description": "Comparable data on the performance of the providers English councils commission, read from the " +
				"current release. Every list pages (page, page_size) and answers CSV with format=csv. Answers carry the " +
				"release id as their ETag. Figures are published under the Open Government Licence v3.0.",
			"license": object{"name": "Open Government Licence v3.0", "identifier": "OGL-UK-3.0"},
		},
		"servers":    []object{{"url": Prefix, "description": "This server."}},
		"tags":       tagList,
		"paths":      paths,
		"components": object{"schemas": componentSchemas(), "securitySchemes": object{"bearer": object{"type": "http", "scheme": "bearer", "description": "A council's submission token, from yardstick tokens create."}}},
	}
}

var tagDescriptions = map[string]string{
	"metrics":     "The metric catalogue, national benchmarks and funnel-plot limits.",
	"periods":     "The periods with observations.",
	"councils":    "The register of councils and each council's page.",
	"providers":   "Providers and their profiles across councils.",
	"comparisons": "Observations with their statistics.",
	"releases":    "The releases of the data folder.",
	"returns":     "Submitting returns, with a council's token.",
	"meta":        "This document.",
}

func (s *Server) registerDocRoutes() {
	s.add(route{Name: "getOpenAPI", Method: http.MethodGet, Path: "/openapi.json", Tag: "meta",
		Summary: "This API, described in OpenAPI 3.1", Body: "OpenAPI", raw: s.handleOpenAPI})
}

// OpenAPIDocument returns the API's OpenAPI 3.1 document as
// /api/v1/openapi.json answers it. It depends on the routes only, so a
// release's website can describe the API without a server running.
func (s *Server) OpenAPIDocument() ([]byte, error) { return json.Marshal(s.openAPI()) }

// handleOpenAPI answers the document, rendered once: it depends on the
// routes only, not on the release.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.RawQuery) > 0 {
		writeProblem(w, r, problemOf(r.Context(), s.log, r, schemas.Errorf(schemas.EINVALID, "%s/openapi.json takes no parameters", Prefix)))
		return
	}
	resp := s.openapi.Load()
	if resp == nil {
		var err error
		if resp, err = jsonResponse(http.StatusOK, s.openAPI()); err != nil {
			writeProblem(w, r, problemOf(r.Context(), s.log, r, err))
			return
		}
		s.openapi.Store(resp)
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	resp.write(w, r)
}
