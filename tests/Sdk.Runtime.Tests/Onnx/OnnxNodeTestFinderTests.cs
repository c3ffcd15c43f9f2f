using System;
using System.IO;
using System.Linq;
using Sdk.Runtime.Onnx;
using Sdk.Runtime.Tests.TestSupport;

namespace Sdk.Runtime.Tests.Onnx
{
    public sealed class OnnxNodeTestFinderTests : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public void Dispose() => _temp.Dispose();

        private void MakeTest(string name, bool withModel = true)
        {
            string dir = Path.Combine(_temp.Path, name);
            Directory.CreateDirectory(dir);
            if (withModel)
            {
                File.WriteAllBytes(Path.Combine(dir, "model.onnx"), []);
            }
        }

        [Fact]
        public void Matches_the_op_name_as_a_whole_word_and_skips_expanded_tests()
        {
            foreach (string name in new[] { "test_conv", "test_conv_b", "test_conv_a", "test_convtranspose", "test_convinteger_x", "test_conv_a_expanded", "test_relu" })
            {
                MakeTest(name);
            }

            MakeTest("test_conv_without_model", withModel: false);

            Assert.Equal(["test_conv", "test_conv_a", "test_conv_b"], OnnxNodeTests.Find("test_conv", _temp.Path).Select(Path.GetFileName));
            Assert.Equal(["test_conv", "test_conv_a", "test_conv_b"], OnnxNodeTests.Find("conv", _temp.Path).Select(Path.GetFileName));
            Assert.Equal(["test_convtranspose"], OnnxNodeTests.Find("convtranspose", _temp.Path).Select(Path.GetFileName));
            Assert.Equal(6, OnnxNodeTests.Find("test", _temp.Path).Count);  // all but the expanded one and the one without a model
        }

        [Fact]
        public void Missing_suite_gives_an_empty_list()
        {
            Assert.Empty(OnnxNodeTests.Find("test_conv", Path.Combine(_temp.Path, "absent")));
        }

        [Fact]
        public void Default_root_is_the_debian_folder()
        {
            Assert.Equal("/usr/share/libonnx-testdata/data/node", OnnxNodeTests.DebianDirectory);
            Assert.Equal("/somewhere", OnnxNodeTests.ResolveRoot("/somewhere"));
        }

        [Fact]
        public void Loading_a_folder_without_a_model_names_it()
        {
            MakeTest("test_empty", withModel: false);
            var e = Assert.Throws<FileNotFoundException>(() => OnnxNodeTest.Load(Path.Combine(_temp.Path, "test_empty")));
            Assert.Contains("test_empty", e.Message);
        }
    }
}
