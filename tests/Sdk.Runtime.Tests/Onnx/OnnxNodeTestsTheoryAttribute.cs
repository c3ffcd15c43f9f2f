using System.IO;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// A theory over ONNX node-test folders, skipped (not failed, and without data) when the ONNX backend node
    /// tests are not installed.
    /// </summary>
    public sealed class OnnxNodeTestsTheoryAttribute : TheoryAttribute
    {
        public OnnxNodeTestsTheoryAttribute()
        {
            if (!Directory.Exists(OnnxNodeTests.ResolveRoot()))
            {
                Skip = $"ONNX node tests not found: install the Debian package libonnx-testdata or set {OnnxNodeTests.DirectoryVariable}.";
            }
        }
    }
}
