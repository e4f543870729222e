package registry

import (
	"net/http"
	"testing"
	"time"
)

// FuzzParseSigV4 feeds arbitrary Authorization headers to the SigV4 parser.
func FuzzParseSigV4(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	f.Add("AWS4-HMAC-SHA256 ")
	f.Add("Basic abc")
	f.Fuzz(func(t *testing.T, header string) {
		a, err := parseSigV4(header)
		if err != nil {
			return
		}
		_ = a.checkScope("us-east-1")
		r, _ := http.NewRequest(http.MethodPost, "http://h/", nil)
		r.Header.Set("X-Amz-Date", "20260101T000000Z")
		_ = a.verify(r, []byte("{}"), "secret", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	})
}

// FuzzDecode feeds arbitrary bodies to the API decoder used by every
// operation.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"repositoryName":"a","maxResults":5,"imageIds":[{"imageTag":"x"}]}`))
	f.Add([]byte(`{"repositoryName":5}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var in struct {
			RepositoryName string `json:"repositoryName"`
			MaxResults     *int   `json:"maxResults"`
			ImageIDs       []struct {
				ImageTag string `json:"imageTag"`
			} `json:"imageIds"`
		}
		if err := decode(body, &in); err != nil {
			if _, ok := err.(*APIError); !ok {
				t.Fatalf("decode error %T is not an APIError", err)
			}
		}
	})
}
