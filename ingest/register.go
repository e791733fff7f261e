package ingest

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/yardstick-open/yardstick/registers"
)

// registerRow is what name matching reads of a row of the provider
// register (providers/register.parquet, written by yardstick providers
// import|rebuild; registers.Provider describes every column). Only these
// columns are read: parquet-go matches them by name and skips the rest.
type registerRow struct {
	ProviderID   string             `parquet:"provider_id,optional"`
	Name         string             `parquet:"name,optional"`
	Organisation string             `parquet:"organisation,optional"`
	Aliases      []string           `parquet:"aliases,optional,list"`
	Councils     []string           `parquet:"councils,optional,list"`
	Locations    []registerLocation `parquet:"locations,optional,list"`
}

// registerLocation is a CQC location or Ofsted setting of a register row.
type registerLocation struct {
	ID          string `parquet:"id,optional"`
	Name        string `parquet:"name,optional"`
	CouncilCode string `parquet:"council_code,optional"`
	Status      string `parquet:"status,optional"`
	// Aliases are the location's trading names; a register written
	// before they were kept has none.
	Aliases []string `parquet:"aliases,optional,list"`
}

// readRegister reads the provider register at path into a name index. It
// returns nil and no error when the data folder has no register: name
// matching is then off, as before registers were imported.
func readRegister(path string) (*nameIndex, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("provider register: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("provider register: %w", err)
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("provider register %s: %w", path, err)
	}
	r := parquet.NewGenericReader[registerRow](pf)
	defer r.Close()
	// Most providers have a name and a location of another name.
	idx := newNameIndex(int(min(pf.NumRows()*2, 1<<22)))
	buf := make([]registerRow, 256)
	for {
		n, err := r.Read(buf)
		for i := range buf[:n] {
			idx.add(&buf[i])
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("provider register %s: %w", path, err)
		}
	}
	return idx, nil
}

// registerFile is the provider register of the data folder at root,
// which yardstick providers import|rebuild writes.
func registerFile(root string) string { return registers.RegisterFile(root) }

// nameResult is how a provider name given without an id fared in one
// council, kept so a name repeated on many rows is looked up once and
// its notice given once.
type nameResult struct {
	id       string // the provider_id the rows are stored under; "" when not linked
	code     string // the problem each row gets: an error code, or CodeProviderMatched
	msg      string
	hint     string
	reported bool // the notice of a link has been given
}

// idHint is how a council writes a provider's id, for a hint.
const idHint = "the CQC provider id (1-101234567), Ofsted URN (SC037454), GB-COH-<company number>, GB-CHC-<charity number> or LOCAL-<council>-<your reference>"

// matchName links a row that names a provider without its provider_id to
// the provider register, and returns the id its rows are stored under,
// or "" when the row is in error. A name is matched on its
// normaliseName key among the register's entries with a location in the
// row's council: one organisation of that name there links the row, with
// a provider_matched_by_name notice (once per name) giving the id to add;
// several (provider_name_ambiguous), or that name only in other councils
// (provider_name_outside_area), is an error naming each candidate, never
// a guess, since a name alone cannot tell two organisations apart. A name
// the register lacks, or a data folder without a register, is
// provider_id_missing as before, its hint naming entries of a near name
// in the council.
//
// early is true for a row decided before the return was read to its end
// (past the held limits, see names.go): a later line giving the name its
// id could not be used, so the hint of an error says to give it here too.
func (c *checker) matchName(r *rawRow, o *obs, early bool) string {
	if o.Council == "" {
		// The row's council is in error already; without it there is no
		// area to match in.
		c.fail(r, iProvID, "", CodeProviderMissing, fmt.Sprintf("provider %q has no provider_id", r.Provider), "give "+idHint)
		return ""
	}
	key := [2]string{o.Council, r.Provider}
	res := c.matched[key]
	if res == nil {
		res = c.lookUpName(r.Provider, o.Council)
		// Bounded, whatever the file holds; the key is copied, since
		// the name shares its CSV record's memory.
		if len(c.matched) < 1<<16 && len(r.Provider) <= maxKeptName {
			c.matched[[2]string{o.Council, strings.Clone(r.Provider)}] = res
		}
	}
	hint := res.hint
	if early {
		hint += "; if another line of this return gives this provider's id, give it on this line too"
	}
	switch {
	case res.id != "":
		if !res.reported {
			res.reported = true
			c.warn(r, iProvName, r.Provider, res.code, res.msg, res.hint)
		}
		return res.id
	case res.code == CodeProviderMissing:
		c.fail(r, iProvID, "", res.code, res.msg, hint)
	default:
		c.fail(r, iProvName, r.Provider, res.code, res.msg, hint)
	}
	return ""
}

// maxKeptName is the longest provider name a cache of the checker keeps:
// no real provider's name is near it, and a longer one is worked out
// again on each row rather than letting a hostile file's names fill
// memory.
const maxKeptName = 1 << 10

// maxCandidates is how many candidates a problem names; the rest are
// counted.
const maxCandidates = 5

// lookUpName works out what the register says of a name in a council.
func (c *checker) lookUpName(name, council string) *nameResult {
	c.readIndex()
	missing := fmt.Sprintf("provider %q has no provider_id", name)
	own := c.localForm(council)
	switch {
	case c.indexErr != nil:
		return &nameResult{code: CodeProviderMissing, msg: missing,
			hint: fmt.Sprintf("give %s (the provider register, which could match the name, did not read: %v; rebuilding it with yardstick providers rebuild may mend it)", idHint, c.indexErr)}
	case c.index == nil:
		return &nameResult{code: CodeProviderMissing, msg: missing,
			hint: "give " + idHint + "; with the regulators' registers imported (yardstick providers import FILE), a name alone is matched to the provider of that name in the council's area"}
	}
	m := c.index.match(name, council)
	cname := c.councilName(council)
	switch {
	case m.linked != nil:
		return &nameResult{id: m.linked.id, code: CodeProviderMatched,
			msg: fmt.Sprintf("provider %q has no provider_id; in the provider register it is %s, the one provider of that name in %s, and its rows are stored under provider_id %s",
				name, m.linked.describe(c.councilName), cname, m.linked.id),
			hint: fmt.Sprintf("add provider_id %s to this provider's rows, so they do not depend on the name; if it is not this provider, give its own id: %s", m.linked.id, idHint)}
	case len(m.inArea) > 0:
		return &nameResult{code: CodeProviderAmbiguous,
			msg: fmt.Sprintf("provider %q has no provider_id, and the provider register has %d entries of that name in %s: %s",
				name, len(m.inArea), cname, c.candidates(m.inArea)),
			hint: fmt.Sprintf("a name alone cannot say which: give the provider_id of the one the figures are for (%s)", ids(m.inArea, "or"))}
	case len(m.elsewhere) > 0:
		return &nameResult{code: CodeProviderOutsideArea,
			msg: fmt.Sprintf("provider %q has no provider_id, and the provider register has that name, but for none with a location in %s: %s",
				name, cname, c.candidates(m.elsewhere)),
			hint: fmt.Sprintf("a name is matched only among providers in the council's area, since elsewhere it may be another organisation: if the figures are for %s, give its provider_id; if not, give the provider's own id, or %s",
				ids(m.elsewhere, "or"), cmp.Or(own, "a LOCAL id"))}
	case len(m.nearby) > 0:
		return &nameResult{code: CodeProviderMissing,
			msg: fmt.Sprintf("provider %q has no provider_id, and no provider of that name is in the provider register for %s", name, cname),
			hint: fmt.Sprintf("the register has, in %s, %s; if the figures are for one of them give its provider_id (%s), otherwise give %s",
				cname, c.candidates(m.nearby), ids(m.nearby, "or"), idHint)}
	}
	return &nameResult{code: CodeProviderMissing,
		msg:  fmt.Sprintf("provider %q has no provider_id, and no provider of that name is in the provider register for %s", name, cname),
		hint: "give " + idHint}
}

// councilName names a council by its code, as "Trafford (E08000009)".
func (c *checker) councilName(code string) string {
	if rc, ok := c.councils.ByCode(code); ok {
		return fmt.Sprintf("%s (%s)", rc.Name, rc.Code)
	}
	return code
}

// candidates describes at most maxCandidates candidates, counting the
// rest.
func (c *checker) candidates(cs []*candidate) string {
	var parts []string
	for _, cd := range cs[:min(len(cs), maxCandidates)] {
		parts = append(parts, cd.describe(c.councilName))
	}
	s := strings.Join(parts, "; ")
	if len(cs) > maxCandidates {
		s += fmt.Sprintf("; and %d more", len(cs)-maxCandidates)
	}
	return s
}

// ids lists the candidates' ids, at most maxCandidates of them.
func ids(cs []*candidate, conj string) string {
	var out []string
	for _, cd := range cs[:min(len(cs), maxCandidates)] {
		out = append(out, cd.id)
	}
	if len(cs) > maxCandidates {
		out = append(out, "another")
	}
	return sentence(out, conj)
}
