package resourcebase

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// DataSourceBase is Base for a data source of the cloud K: its Configure
// takes the data source's request, and Client and Lookup work as for a
// resource.
type DataSourceBase[C Regional, K Cloud[C]] struct {
	Base[C, K]
}

// Configure implements datasource.DataSourceWithConfigure.
func (b *DataSourceBase[C, K]) Configure(ctx context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	var r resource.ConfigureResponse
	b.Base.Configure(ctx, resource.ConfigureRequest{ProviderData: req.ProviderData}, &r)
	resp.Diagnostics.Append(r.Diagnostics...)
}
