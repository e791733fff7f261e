package schemas

import _ "embed"

// BuiltinCatalogue is the YAML source of the built-in metric catalogue.
// schemas/config decodes it; a catalogue.yaml in the same format extends it.
//
//go:embed catalogue.yaml
var BuiltinCatalogue []byte
