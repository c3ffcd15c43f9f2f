using System.IO;
using Sdk.Runtime.Onnx;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>A fact that is skipped (not failed) when the ONNX backend node tests are not installed.</summary>
    public sealed class OnnxNodeTestsFactAttribute : FactAttribute
    {
        public OnnxNodeTestsFactAttribute()
        {
            if (!Directory.Exists(OnnxNodeTests.ResolveRoot()))
            {
                Skip = $"ONNX node tests not found: install the Debian package libonnx-testdata or set {OnnxNodeTests.DirectoryVariable}.";
            }
        }
    }
}
