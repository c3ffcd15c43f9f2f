using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Onnx;
using Xunit.Abstractions;

namespace Sdk.Runtime.Tests.Onnx
{
    public class OnnxNodeTestWholeSuiteTests(ITestOutputHelper output)
    {
        [OnnxNodeTestsFact]
        public void Every_folder_loads_or_fails_with_an_onnx_format_exception()
        {
            var failures = new List<string>();
            int loaded = 0;
            IReadOnlyList<string> all = OnnxNodeTests.Find("test");
            foreach (string directory in all)
            {
                try
                {
                    OnnxNodeTest test = OnnxNodeTest.Load(directory);
                    Assert.NotEmpty(test.DataSets);
                    loaded++;
                }
                catch (OnnxFormatException e)
                {
                    failures.Add(e.Message);
                }
            }

            output.WriteLine($"{all.Count} folders, {loaded} loaded, {failures.Count} unsupported:");
            foreach (string failure in failures)
            {
                output.WriteLine(failure);
            }

            // What is left out is left out on purpose: string tensors, sequence/optional values, multi-node graphs.
            Assert.All(failures, f => Assert.Matches("element type String|is not a tensor|nodes; a node test has exactly one", f));
            Assert.True(loaded > 700, $"only {loaded} of {all.Count} node tests loaded");
        }
    }
}
