package acctest

import "fmt"

// AllCloudsProviderConfig is one provider block configuring all three clouds
// against the test's emulator, with the given max_retries (for tests whose
// configuration mixes the clouds' resources, such as the fault-injection
// soak).
func (e *Env) AllCloudsProviderConfig(maxRetries int) string {
	return fmt.Sprintf(`provider "secgroup" {
  max_retries = %[1]d
  huaweicloud {
    region     = %[2]q
    access_key = %[3]q
    secret_key = %[4]q
    endpoints  = { ecs = %[11]q, vpc = %[11]q, iam = %[11]q }
  }
  alicloud {
    region     = %[5]q
    access_key = %[6]q
    secret_key = %[7]q
    endpoints  = { ecs = %[11]q, ens = %[11]q }
  }
  tencentcloud {
    region     = %[8]q
    secret_id  = %[9]q
    secret_key = %[10]q
    endpoints  = { vpc = %[11]q, cvm = %[11]q, tag = %[11]q }
  }
}
`, maxRetries, HWRegion, HWAccessKey, HWSecretKey, AliRegion, AliAccessKey, AliSecretKey,
		TCRegion, TCSecretID, TCSecretKey, e.Emulator.URL())
}
