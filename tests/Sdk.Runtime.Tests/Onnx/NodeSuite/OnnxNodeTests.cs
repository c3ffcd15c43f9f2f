using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Sdk.Runtime.Tests.Onnx
{
    /// <summary>
    /// Finds the folders of the ONNX backend node test suite, which the Debian package
    /// <c>libonnx-testdata</c> installs in <see cref="DebianDirectory"/>.
    /// </summary>
    public static class OnnxNodeTests
    {
        /// <summary>Where <c>libonnx-testdata</c> puts the node tests.</summary>
        public const string DebianDirectory = "/usr/share/libonnx-testdata/data/node";

        /// <summary>Environment variable that points at another <c>data/node</c> folder.</summary>
        public const string DirectoryVariable = "SDK_ONNX_NODE_TESTS_DIR";

        /// <summary>
        /// The node test folder in use: <paramref name="dataRoot"/>, else the directory named by
        /// <see cref="DirectoryVariable"/>, else <see cref="DebianDirectory"/>.
        /// </summary>
        public static string ResolveRoot(string? dataRoot = null) =>
            dataRoot ?? Environment.GetEnvironmentVariable(DirectoryVariable) ?? DebianDirectory;

        /// <summary>
        /// The test folders of one operator, sorted by name: those named exactly <paramref name="prefix"/>
        /// or <paramref name="prefix"/> followed by <c>_</c>, so <c>test_conv</c> finds
        /// <c>test_conv_with_strides_padding</c> but not <c>test_convtranspose</c> or
        /// <c>test_convinteger_*</c>. The <c>test_</c> part may be left out (<c>"conv"</c>), and
        /// <c>"test"</c> alone lists the whole suite.
        /// <c>*_expanded</c> folders (the operator decomposed into several nodes) are left out.
        /// Returns an empty list when the suite is not installed.
        /// </summary>
        public static IReadOnlyList<string> Find(string prefix, string? dataRoot = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(prefix);
            string root = ResolveRoot(dataRoot);
            if (!Directory.Exists(root))
            {
                return [];
            }

            string stem = prefix == "test" || prefix.StartsWith("test_", StringComparison.Ordinal) ? prefix : "test_" + prefix;
            return Directory.GetDirectories(root)
                .Where(d =>
                {
                    string name = Path.GetFileName(d);
                    return (name == stem || name.StartsWith(stem + "_", StringComparison.Ordinal))
                        && !name.EndsWith("_expanded", StringComparison.Ordinal)
                        && !name.Contains("_expanded_", StringComparison.Ordinal)
                        && File.Exists(Path.Combine(d, "model.onnx"));
                })
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
    }
}
