package policyeval

import "strings"

// maxIndexedAction bounds the request actions looked up in the index; a
// longer one (no AWS action is) makes evaluation scan every statement.
const maxIndexedAction = 128

// index builds byAction and scan. Most statements list exact actions, and
// most of those do not match a given request: the index finds the few
// that do with one map lookup instead of a comparison per action.
func (p *Policy) index() {
	p.byAction = map[string][]int32{}
	for i := range p.stmts {
		s := &p.stmts[i]
		if !s.exactActions() {
			p.scan = append(p.scan, int32(i))
			continue
		}
		for _, a := range s.actions {
			key := strings.ToLower(a.lit)
			if list := p.byAction[key]; len(list) == 0 || list[len(list)-1] != int32(i) {
				p.byAction[key] = append(list, int32(i))
			}
		}
	}
}

// exactActions reports an Action element without wildcards.
func (s *statement) exactActions() bool {
	if s.notAction {
		return false
	}
	for _, a := range s.actions {
		if a.kind != patExact {
			return false
		}
	}
	return true
}

// lowerAction writes the request's action in lower case into e.action for
// index lookups; ok is false when it does not fit.
func (e *evalCtx) lowerAction(action string) {
	if len(action) > maxIndexedAction {
		e.actionLen = -1
		return
	}
	for i := 0; i < len(action); i++ {
		e.action[i] = lowerASCII(action[i])
	}
	e.actionLen = len(action)
}
