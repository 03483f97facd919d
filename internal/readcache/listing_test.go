package readcache

import (
	"context"
	"testing"
)

func TestListings_useAfterManyMemberReads(t *testing.T) {
	var l Listings[string, []string]
	for i := range ListAfter {
		if l.Use("sg-a", false) {
			t.Fatalf("member read %d of the group already asks for its listing", i+1)
		}
	}
	if !l.Use("sg-a", false) {
		t.Fatalf("after %d members read one by one, the group's listing is still not used", ListAfter)
	}
	if l.Use("sg-b", false) {
		t.Error("another group's first member asks for its listing")
	}
}

func TestListings_cachedMembersDoNotCount(t *testing.T) {
	var l Listings[string, []string]
	for range 3 * ListAfter {
		if l.Use("sg-a", true) {
			t.Fatal("members whose reads are cached (many groups on few servers) made the group's listing worth its calls")
		}
	}
}

func TestListings_aListingInHandIsUsed(t *testing.T) {
	var l Listings[string, []string]
	if _, err := l.Get(context.Background(), "sg-a", func(context.Context) ([]string, error) { return []string{"i-1"}, nil }); err != nil {
		t.Fatal(err)
	}
	if !l.Use("sg-a", true) || !l.Use("sg-a", false) {
		t.Error("the group's listing, already fetched (by a data source, say), is not used")
	}
	l.Invalidate("sg-a")
	if l.Use("sg-a", true) {
		t.Error("a listing dropped by a write is still used")
	}
}
