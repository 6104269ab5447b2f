"""Pages of the product catalogue (金融产品) and its price list: everyone with a login reads them, the
Development Center keeps them (customers.rights: "product.create", "product.update", "product.add_price",
on the CENTER_ONLY role right "product.change"). Products belong to the whole company, so there is no
scope to apply — only the login and the right."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from core import audit
from core.errors import DomainError
from core.rights import may
from core.views import FilteredListMixin, apply_domain_error
from customers import services
from customers.filtersets import ProductFilterSet
from customers.forms import NewProductForm, ProductForm, ProductPriceForm
from customers.models import Product


def _require_change(request, action, product=None):
    if not may(request.user, action, product):
        audit.log_denial(request, reason="no right for this action", status=403)
        raise PermissionDenied


class ProductListView(FilteredListMixin, LoginRequiredMixin, ListView):
    model = Product
    filterset_class = ProductFilterSet
    title = gettext_lazy("Products")
    template_name = "customers/product_list.html"
    paginate_by = 50

    def get_queryset(self):
        # The API's FilterSet (one per list): its form refuses what the database cannot take (a NUL).
        return self.filter_queryset(Product.objects.prefetch_related("prices").order_by("code"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_change"] = may(self.request.user, "product.create")
        context["q"] = self.request.GET.get("q", "")
        return context


class ProductCreateView(LoginRequiredMixin, View):
    template_name = "customers/product_form.html"

    def get(self, request):
        _require_change(request, "product.create")
        return render(request, self.template_name, {"form": NewProductForm()})

    def post(self, request):
        _require_change(request, "product.create")
        form = NewProductForm(request.POST)
        if form.is_valid():
            try:
                product = services.product_create(by=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("The product %(name)s was added.") % {"name": product.name})
                return redirect("customers:product_edit", pk=product.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class ProductEditView(LoginRequiredMixin, View):
    """A product's data and its price list; the center changes the one and adds to the other."""

    template_name = "customers/product_form.html"

    def _context(self, product, form=None, price_form=None):
        data = {f: getattr(product, f) for f in ProductForm.base_fields}
        return {
            "object": product,
            "form": form or ProductForm(initial=data),
            "price_form": price_form or ProductPriceForm(),
            "prices": product.prices.order_by("-effective_from"),
            "may_change": may(self.request.user, "product.update", product),
        }

    def get(self, request, pk):
        product = get_object_or_404(Product, pk=pk)
        return render(request, self.template_name, self._context(product))

    def post(self, request, pk):
        product = get_object_or_404(Product, pk=pk)
        adding_price = "add_price" in request.POST
        _require_change(request, "product.add_price" if adding_price else "product.update", product)
        if adding_price:
            price_form = ProductPriceForm(request.POST)
            if price_form.is_valid():
                try:
                    services.product_price_add(by=request.user, product=product, **price_form.cleaned_data)
                except DomainError as error:
                    apply_domain_error(price_form, error)
                else:
                    messages.success(request, _("The price was added."))
                    return redirect("customers:product_edit", pk=product.pk)
            return render(request, self.template_name, self._context(product, price_form=price_form), status=400)
        form = ProductForm(request.POST)
        if form.is_valid():
            try:
                services.product_update(by=request.user, product=product, **form.cleaned_data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("customers:product_edit", pk=product.pk)
        return render(request, self.template_name, self._context(product, form=form), status=400)
