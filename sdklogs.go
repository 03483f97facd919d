package main

import "os"

// sdkLogVars are the loggers of terraform-plugin-go and
// terraform-plugin-framework in the provider process.
var sdkLogVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK"}

// quietSDKLogs turns the plugin SDK's loggers off when nobody asked for
// logs. Left unset, they log every gRPC call at trace level, and terraform
// parses each line only to drop it unless TF_LOG asks for it: about half
// the CPU of a plan of 1,000 resources (make bench). TF_LOG or
// TF_LOG_PROVIDER set keeps terraform's usual behaviour, and a TF_LOG_SDK*
// the user set wins.
func quietSDKLogs(getenv func(string) string, setenv func(string, string) error) error {
	if getenv("TF_LOG") != "" || getenv("TF_LOG_PROVIDER") != "" {
		return nil
	}
	for _, name := range sdkLogVars {
		if getenv(name) != "" {
			continue
		}
		if err := setenv(name, "OFF"); err != nil {
			return err
		}
	}
	return nil
}

// quietSDKLogsFromEnv is quietSDKLogs on the process environment.
func quietSDKLogsFromEnv() error { return quietSDKLogs(os.Getenv, os.Setenv) }
