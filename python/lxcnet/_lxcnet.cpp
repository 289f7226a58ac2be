/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lxcnet._lxcnet: the thin native half of the Python module. It takes plain
 * str/bool arguments only; the package's __init__.py does the Pythonic
 * argument handling and owns the exception classes, because choosing an
 * OSError subclass by errno is a few lines of Python and a page of C API.
 */
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include <lxcnet/container.hpp>
#include <lxcnet/network_namespace.hpp>

namespace py = pybind11;

namespace {

/*
 * A name from the kernel or the caller as str. Existing devices may have any
 * name the kernel allows, UTF-8 or not: bytes that do not decode become
 * surrogates, as os.listdir() does, and __init__.py encodes them back.
 */
py::str os_str(const std::string &bytes)
{
	PyObject *text = PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "surrogateescape");
	if (!text)
		throw py::error_already_set();
	return py::reinterpret_steal<py::str>(text);
}

/*
 * Raises the lxcnet.Error subclass that lxcnet._error() picks for the errno.
 * Looked up per failure, not cached at import: the package is still half
 * initialised while this extension loads, and a cached object would outlive
 * the interpreter on shutdown.
 */
void raise_python_error(const lxcnet::Error &e)
{
	try {
		py::object make = py::module_::import("lxcnet").attr("_error");
		/* what() is printable ASCII already; the names are the raw ones, for a program to use. */
		py::object exc = make(e.code().value(), e.what(), os_str(e.device()), os_str(e.container()));
		PyErr_SetObject(reinterpret_cast<PyObject *>(Py_TYPE(exc.ptr())), exc.ptr());
	} catch (py::error_already_set &failure) {
		/* The package itself is broken: better its own error than a misleading one. */
		failure.restore();
	}
}

lxcnet::Options options_for(bool preserve, const std::string &state_dir)
{
	lxcnet::Options options;
	options.preserve = preserve;
	options.state_dir = state_dir;
	return options;
}

/* Plain tuples; __init__.py wraps them in its Returned named tuple. */
py::list returned_list(const std::vector<lxcnet::Returned> &returned)
{
	py::list out;
	for (const auto &r : returned)
		out.append(py::make_tuple(os_str(r.container_name), os_str(r.host_name), r.fallback_name));
	return out;
}

py::list name_list(const std::vector<std::string> &names)
{
	py::list out;
	for (const auto &n : names)
		out.append(os_str(n));
	return out;
}

/*
 * Holds the library's Container plus the record directory chosen at
 * construction. Every call drops the GIL: a move is several netlink round
 * trips and may wait on the host-wide lock another process holds.
 */
class Box {
public:
	Box(const std::string &name, const std::string &lxcpath, std::string state_dir)
		: box_(construct(name, lxcpath)), state_dir_(std::move(state_dir))
	{
	}

	void attach(const std::string &dev, const std::string &dst, bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		py::gil_scoped_release unlocked;
		box_.attach_interface(dev, dst, options);
	}

	py::object detach(const std::string &dev, const std::string &dst, bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		std::string host_name;
		{
			py::gil_scoped_release unlocked;
			host_name = box_.detach(dev, dst, options).host_name();
		}
		return os_str(host_name);
	}

	py::list detach_all(bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		std::vector<lxcnet::Returned> returned;
		{
			py::gil_scoped_release unlocked;
			returned = box_.detach_all(options);
		}
		return returned_list(returned);
	}

	py::list detach_all_from(const std::string &netns_path, bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		std::vector<lxcnet::Returned> returned;
		{
			py::gil_scoped_release unlocked;
			returned = box_.detach_all_from(netns_path, options);
		}
		return returned_list(returned);
	}

	py::list interfaces() const
	{
		std::vector<std::string> names;
		{
			py::gil_scoped_release unlocked;
			names = box_.interfaces();
		}
		return name_list(names);
	}

	py::str name() const { return os_str(box_.name()); }

private:
	static lxcnet::Container construct(const std::string &name, const std::string &lxcpath)
	{
		/* liblxc reads the container's config here, which can touch a slow disk. */
		py::gil_scoped_release unlocked;
		return lxcnet::Container(name, lxcpath);
	}

	lxcnet::Container box_;
	std::string state_dir_;
};

/* One lxcnet::NetworkNamespace plus its record directory; calls drop the GIL as Box's do. */
class Netns {
public:
	Netns(const std::string &path, const std::string &id, std::string state_dir)
		: netns_(path, id), state_dir_(std::move(state_dir))
	{
	}

	void attach(const std::string &dev, const std::string &dst, bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		py::gil_scoped_release unlocked;
		netns_.attach_interface(dev, dst, options);
	}

	py::object detach(const std::string &dev, const std::string &dst, bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		std::string host_name;
		{
			py::gil_scoped_release unlocked;
			host_name = netns_.detach(dev, dst, options).host_name();
		}
		return os_str(host_name);
	}

	py::list detach_all(bool preserve)
	{
		const lxcnet::Options options = options_for(preserve, state_dir_);
		std::vector<lxcnet::Returned> returned;
		{
			py::gil_scoped_release unlocked;
			returned = netns_.detach_all(options);
		}
		return returned_list(returned);
	}

	py::list interfaces() const
	{
		std::vector<std::string> names;
		{
			py::gil_scoped_release unlocked;
			names = netns_.interfaces();
		}
		return name_list(names);
	}

	static py::list forget(const std::string &id, const std::string &state_dir)
	{
		std::vector<std::string> names;
		{
			py::gil_scoped_release unlocked;
			names = lxcnet::NetworkNamespace::forget(id, options_for(true, state_dir));
		}
		return name_list(names);
	}

private:
	lxcnet::NetworkNamespace netns_;
	std::string state_dir_;
};

} /* namespace */

PYBIND11_MODULE(_lxcnet, m)
{
	m.doc() = "Native half of the lxcnet package; use the lxcnet module instead.";
	m.attr("__version__") = LXCNET_PY_VERSION;

	py::register_local_exception_translator([](std::exception_ptr p) {
		try {
			if (p)
				std::rethrow_exception(p);
		} catch (const lxcnet::Error &e) {
			raise_python_error(e);
		}
	});

	py::class_<Box>(m, "Box", "One lxcnet::Container; see lxcnet.Container.")
		.def(py::init<const std::string &, const std::string &, std::string>(),
		     py::arg("name"), py::arg("lxcpath"), py::arg("state_dir"))
		.def("attach", &Box::attach, py::arg("dev"), py::arg("dst"), py::arg("preserve"))
		.def("detach", &Box::detach, py::arg("dev"), py::arg("dst"), py::arg("preserve"))
		.def("detach_all", &Box::detach_all, py::arg("preserve"))
		.def("detach_all_from", &Box::detach_all_from, py::arg("netns_path"), py::arg("preserve"))
		.def("interfaces", &Box::interfaces)
		.def_property_readonly("name", &Box::name);

	py::class_<Netns>(m, "Netns", "One lxcnet::NetworkNamespace; see lxcnet.NetworkNamespace.")
		.def(py::init<const std::string &, const std::string &, std::string>(),
		     py::arg("path"), py::arg("id"), py::arg("state_dir"))
		.def("attach", &Netns::attach, py::arg("dev"), py::arg("dst"), py::arg("preserve"))
		.def("detach", &Netns::detach, py::arg("dev"), py::arg("dst"), py::arg("preserve"))
		.def("detach_all", &Netns::detach_all, py::arg("preserve"))
		.def("interfaces", &Netns::interfaces)
		.def_static("forget", &Netns::forget, py::arg("id"), py::arg("state_dir"));
}
