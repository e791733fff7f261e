package api

import (
	"container/list"
	"strings"
	"sync"
)

// cache keeps rendered answers, least recently used first out, within a
// budget of bytes. Keys start with the release id, so an answer is never
// served from another release, and a replaced release's answers age out.
type cache struct {
	max int64

	mu    sync.Mutex
	used  int64
	order *list.List // of *entry, most recent at the front
	items map[string]*list.Element
}

type entry struct {
	key  string
	resp *response
}

func newCache(max int64) *cache {
	return &cache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

// dropRelease removes every answer of release id.
func (c *cache) dropRelease(id string) {
	prefix := id + " "
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, el := range c.items {
		if strings.HasPrefix(key, prefix) {
			e := el.Value.(*entry)
			c.order.Remove(el)
			delete(c.items, key)
			c.used -= e.resp.size() + int64(len(e.key))
		}
	}
}

func (c *cache) get(key string) (*response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).resp, true
}

// put stores resp; an answer larger than an eighth of the budget is not
// kept, so one huge page cannot empty the cache.
func (c *cache) put(key string, resp *response) {
	size := resp.size() + int64(len(key))
	if size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&entry{key, resp})
	c.used += size
	for c.used > c.max {
		el := c.order.Back()
		e := el.Value.(*entry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.used -= e.resp.size() + int64(len(e.key))
	}
}
